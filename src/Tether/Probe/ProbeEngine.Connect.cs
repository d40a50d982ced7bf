using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Tether.Protocol;

namespace Tether.Probe;

internal sealed partial class ProbeEngine
{
    /// <summary>TCP, TLS, the WebSocket upgrade, CONNECT/CONNACK and SUBSCRIBE; each step bounded by the connect timeout.</summary>
    /// <exception cref="ProbeConnectException">A step failed; the message says which and why.</exception>
    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var target = _options.Target;
        using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        var step = $"connecting to {target.Host}:{target.Port}";
        try
        {
            var client = new TcpClient { NoDelay = true };
            try
            {
                await client.ConnectAsync(target.Host, target.Port, linked.Token).ConfigureAwait(false);
            }
            catch
            {
                client.Dispose();
                throw;
            }

            _stream = client.GetStream();
            Record(ProbeDirection.Local, ProbeLayer.Tcp, "connected", $"{target.Host}:{target.Port} from {client.Client.LocalEndPoint}");

            if (target.UseTls)
            {
                step = "negotiating TLS";
                var tls = new SslStream(_stream, leaveInnerStreamOpen: false, ValidateServerCertificate);
                _stream = tls;
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = target.Host }, linked.Token).ConfigureAwait(false);
                Record(ProbeDirection.Local, ProbeLayer.Tls, "established", $"{tls.SslProtocol}, {tls.NegotiatedCipherSuite}, server certificate {tls.RemoteCertificate?.Subject}");
            }

            if (target.UseWebSocket)
            {
                step = "upgrading to WebSocket";
                var (status, subProtocol) = await WebSocketClientHandshake.PerformAsync(_stream, target.HostHeader, target.Path, linked.Token).ConfigureAwait(false);
                Record(ProbeDirection.Received, ProbeLayer.WebSocket, "upgraded", $"GET {target.Path}: {status}, subprotocol {subProtocol ?? "(none)"}");
                if (subProtocol is null)
                {
                    AddFinding(ProbeFindingKind.Note, "the broker chose no WebSocket subprotocol; MQTT over WebSocket asks for \"mqtt\" [MQTT-6.0.0-3]");
                }
            }

            _reader = Task.Run(() => new ProbeReader(_stream, target.UseWebSocket, _options.ProtocolVersion, _inputs.Writer).RunAsync(CancellationToken.None), CancellationToken.None);

            step = "waiting for CONNACK";
            await SendPacketAsync(BuildConnect(), ConnectDetail()).ConfigureAwait(false);
            await WaitForConnAckAsync(linked.Token).ConfigureAwait(false);

            if (_options.Topic is { } topic)
            {
                var subscribe = new SubscribePacket { PacketId = _nextPacketId++ };
                subscribe.Subscriptions.Add(new TopicSubscription(topic, QualityOfService.AtMostOnce));
                await SendPacketAsync(subscribe, topic + " (QoS 0)").ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new ProbeConnectException($"no answer within {_options.ConnectTimeout.TotalSeconds:0.#} s while {step}");
        }
        catch (OperationCanceledException)
        {
            throw new ProbeConnectException($"interrupted while {step}");
        }
        catch (SocketException e)
        {
            throw new ProbeConnectException($"{step}: {Describe(e)}", e);
        }
        catch (AuthenticationException e) when (_certificateProblem is not null)
        {
            throw new ProbeConnectException($"TLS failed: the broker's certificate was refused ({_certificateProblem}); give its CA with --cafile FILE, or skip the check with --insecure", e);
        }
        catch (AuthenticationException e)
        {
            throw new ProbeConnectException($"TLS failed: {e.Message}{(e.InnerException is null ? string.Empty : " (" + e.InnerException.Message + ")")}", e);
        }
        catch (IOException e)
        {
            throw new ProbeConnectException($"{step}: {e.Message}", e);
        }
    }

    private async Task WaitForConnAckAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var input = await _inputs.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            await HandleAsync(input).ConfigureAwait(false);
            if (input is PacketInput { Type: PacketType.ConnAck } connAck)
            {
                if (connAck.ReasonCode.IsError())
                {
                    throw new ProbeConnectException("the broker refused the connection: CONNACK " + connAck.Summary);
                }

                if (connAck.ServerKeepAlive is { } serverKeepAlive)
                {
                    // [MQTT-3.2.2-21]: the client must use the server's keep alive.
                    _keepAlive = TimeSpan.FromSeconds(serverKeepAlive);
                }

                return;
            }

            if (input is PacketInput other)
            {
                throw new ProbeConnectException($"the broker sent {MosquittoPacketText.Name(other.Type)} before CONNACK");
            }

            if (_ended)
            {
                throw new ProbeConnectException("no CONNACK: " + _endReason);
            }
        }
    }

    private ConnectPacket BuildConnect() => new()
    {
        ProtocolVersion = _options.ProtocolVersion,
        CleanSession = true,
        KeepAliveSeconds = (ushort)_options.KeepAlive.TotalSeconds,
        ClientId = _options.ClientId,
        UserName = _options.UserName,
        Password = _options.Password is null ? (ReadOnlyMemory<byte>?)null : Encoding.UTF8.GetBytes(_options.Password),
    };

    private string ConnectDetail()
    {
        var version = _options.ProtocolVersion switch
        {
            ProtocolVersion.V310 => "3.1",
            ProtocolVersion.V500 => "5.0",
            _ => "3.1.1",
        };
        var user = _options.UserName is null ? string.Empty : $", user {_options.UserName}";
        return $"MQTT {version}, client id {_options.ClientId}, keep alive {_options.KeepAlive.TotalSeconds:0} s, clean{user}";
    }

    private bool ValidateServerCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (_options.Insecure)
        {
            return true;
        }

        if (_options.CaFile is null || certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            _certificateProblem = errors == SslPolicyErrors.None ? null : DescribeCertificateErrors(errors, chain);
            return errors == SslPolicyErrors.None;
        }

        // --cafile: the broker's certificate must chain to one of these CAs (like mosquitto_sub --cafile).
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(_options.CaFile);
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(authorities);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            custom.ChainPolicy.ExtraStore.AddRange(chain.ChainPolicy.ExtraStore);
        }

        using var leaf = new X509Certificate2(certificate);
        if (custom.Build(leaf))
        {
            return true;
        }

        _certificateProblem = "it does not chain to a CA of " + _options.CaFile + ": " + DescribeCertificateErrors(SslPolicyErrors.RemoteCertificateChainErrors, custom);
        return false;
    }

    private static string DescribeCertificateErrors(SslPolicyErrors errors, X509Chain? chain)
    {
        var problems = new List<string>();
        if ((errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            problems.Add("no certificate");
        }

        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            problems.Add("its name does not match the host in the URL");
        }

        if ((errors & SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            var statuses = chain?.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct().ToList() ?? [];
            problems.Add(statuses.Count > 0 ? string.Join("; ", statuses) : "not trusted");
        }

        return string.Join(", ", problems);
    }

    private static string Describe(SocketException e) => e.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused (is the broker running and listening on that port?)",
        SocketError.HostNotFound or SocketError.NoData => "host not found",
        SocketError.TimedOut => "timed out",
        SocketError.NetworkUnreachable or SocketError.HostUnreachable => "unreachable",
        _ => e.Message,
    };
}
