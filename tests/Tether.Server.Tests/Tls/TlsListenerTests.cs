using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MQTTnet;
using MQTTnet.Formatter;
using Tether.Server.Tests.Hosting;

namespace Tether.Server.Tests.Tls;

/// <summary>MQTT over TLS (and WSS) with certificates made at test time.</summary>
public sealed class TlsListenerTests : IDisposable
{
    private readonly TestCertificates _certificates = new();

    public void Dispose() => _certificates.Dispose();

    [Fact]
    public async Task Raw_TLS_client_gets_CONNACK()
    {
        await using var server = await TestServers.StartAsync(new TetherConfiguration { Listeners = [_certificates.Listener()] });
        using var socket = await TestServers.ConnectRawAsync(server.EndPoint());
        await using var tls = await AuthenticateAsync(socket, clientCertificate: null);
        Assert.True(tls.IsAuthenticated);

        await tls.WriteAsync(TestServers.Connect311).AsTask().WaitAsync(TestServers.Timeout);
        Assert.Equal(TestServers.ConnAckAccepted, await ReadAsync(tls, 4));
    }

    [Fact]
    public async Task Plain_MQTT_on_a_TLS_listener_gets_no_CONNACK()
    {
        await using var server = await TestServers.StartAsync(new TetherConfiguration { Listeners = [_certificates.Listener()] });
        using var socket = await TestServers.ConnectRawAsync(server.EndPoint());
        await socket.SendAsync(TestServers.Connect311);
        var reply = await TestServers.ReadAsync(socket, 4);
        Assert.NotEqual(TestServers.ConnAckAccepted, reply);
    }

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task Tls_version_is_the_lowest_version_allowed(SslProtocols clientVersion)
    {
        var listener = _certificates.Listener() with { TlsVersions = SslProtocols.Tls13 };
        await using var server = await TestServers.StartAsync(new TetherConfiguration { Listeners = [listener] });
        using var socket = await TestServers.ConnectRawAsync(server.EndPoint());
        if (clientVersion == SslProtocols.Tls13)
        {
            await using var tls = await AuthenticateAsync(socket, null, clientVersion);
            Assert.Equal(SslProtocols.Tls13, tls.SslProtocol);
        }
        else
        {
            await Assert.ThrowsAnyAsync<Exception>(async () => await AuthenticateAsync(socket, null, clientVersion));
        }
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task MQTTnet_client_over_TLS_receives_its_own_publish(MqttProtocolVersion version)
    {
        await using var server = await TestServers.StartAsync(new TetherConfiguration { Listeners = [_certificates.Listener()] });
        using var client = new MqttClientFactory().CreateMqttClient();
        var received = new TaskCompletionSource<MqttApplicationMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ApplicationMessageReceivedAsync += e =>
        {
            received.TrySetResult(e.ApplicationMessage);
            return Task.CompletedTask;
        };

        var endPoint = server.EndPoint();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(endPoint.Address.ToString(), endPoint.Port)
            .WithTlsOptions(o => o.UseTls().WithCertificateValidationHandler(e => _certificates.Trusts(e.Certificate)))
            .WithProtocolVersion(version)
            .WithClientId("tls-" + version)
            .Build();
        var connect = await client.ConnectAsync(options).WaitAsync(TestServers.Timeout);
        Assert.Equal(MqttClientConnectResultCode.Success, connect.ResultCode);

        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("tether/tls/#").Build()).WaitAsync(TestServers.Timeout);
        await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("tether/tls/1").WithPayload("secret").Build()).WaitAsync(TestServers.Timeout);

        var message = await received.Task.WaitAsync(TestServers.Timeout);
        Assert.Equal("tether/tls/1", message.Topic);
        Assert.Equal("secret", Encoding.UTF8.GetString(message.Payload));
        await client.DisconnectAsync().WaitAsync(TestServers.Timeout);
    }

    [Fact]
    public async Task Require_certificate_accepts_a_client_certificate_signed_by_the_CA()
    {
        await using var server = await TestServers.StartAsync(new TetherConfiguration { Listeners = [_certificates.Listener(requireCertificate: true)] });
        using var socket = await TestServers.ConnectRawAsync(server.EndPoint());
        await using var tls = await AuthenticateAsync(socket, _certificates.ClientCertificate);
        await tls.WriteAsync(TestServers.Connect311).AsTask().WaitAsync(TestServers.Timeout);
        Assert.Equal(TestServers.ConnAckAccepted, await ReadAsync(tls, 4));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Require_certificate_refuses_a_client_without_a_certificate_from_the_CA(bool stranger)
    {
        await using var server = await TestServers.StartAsync(new TetherConfiguration { Listeners = [_certificates.Listener(requireCertificate: true)] });
        foreach (var version in new[] { SslProtocols.Tls12, SslProtocols.Tls13 })
        {
            using var socket = await TestServers.ConnectRawAsync(server.EndPoint());

            // With TLS 1.3 the server judges the client certificate after the client considers the handshake done,
            // so the refusal may show on the first read instead of in the handshake.
            var refused = false;
            try
            {
                await using var tls = await AuthenticateAsync(socket, stranger ? _certificates.StrangerCertificate : null, version);
                await tls.WriteAsync(TestServers.Connect311).AsTask().WaitAsync(TestServers.Timeout);
                var reply = await ReadAsync(tls, 4);
                refused = reply.Length < 4;
            }
            catch (Exception e) when (e is AuthenticationException or IOException)
            {
                refused = true;
            }

            Assert.True(refused, $"a client with {(stranger ? "a stranger's certificate" : "no certificate")} over {version} was not refused");
        }
    }

    [Fact]
    public async Task WSS_listener_serves_MQTT_over_secure_WebSocket()
    {
        await using var server = await TestServers.StartAsync(new TetherConfiguration { Listeners = [_certificates.Listener(protocol: ListenerProtocol.WebSockets)] });
        using var webSocket = new ClientWebSocket();
        webSocket.Options.AddSubProtocol("mqtt");
        webSocket.Options.RemoteCertificateValidationCallback = (_, certificate, _, _) => _certificates.Trusts(certificate);
        using var timeout = new CancellationTokenSource(TestServers.Timeout);
        await webSocket.ConnectAsync(new Uri($"wss://127.0.0.1:{server.EndPoint().Port}/mqtt"), timeout.Token);
        await webSocket.SendAsync(TestServers.Connect311, WebSocketMessageType.Binary, endOfMessage: true, timeout.Token);
        var buffer = new byte[16];
        var result = await webSocket.ReceiveAsync(buffer, timeout.Token);
        Assert.Equal(TestServers.ConnAckAccepted, buffer[..result.Count]);
    }

    private async Task<SslStream> AuthenticateAsync(Socket socket, X509Certificate2? clientCertificate, SslProtocols versions = SslProtocols.None)
    {
        var tls = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
        try
        {
            var options = new SslClientAuthenticationOptions
            {
                TargetHost = "127.0.0.1",
                EnabledSslProtocols = versions,
                RemoteCertificateValidationCallback = (_, certificate, _, _) => _certificates.Trusts(certificate),
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
                LocalCertificateSelectionCallback = clientCertificate is null ? null : (_, _, _, _, _) => clientCertificate,
            };
            await tls.AuthenticateAsClientAsync(options).WaitAsync(TestServers.Timeout);
            return tls;
        }
        catch
        {
            await tls.DisposeAsync();
            throw;
        }
    }

    private static async Task<byte[]> ReadAsync(SslStream stream, int count)
    {
        var buffer = new byte[count];
        var read = 0;
        while (read < count)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read)).AsTask().WaitAsync(TestServers.Timeout);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return buffer[..read];
    }
}
