using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Tether.Server.Tests.Hosting;

namespace Tether.Server.Tests.Tls;

/// <summary>A raw TLS client for handshake-level assertions: which certificate and cipher suite the server used.</summary>
internal sealed class TlsClient : IAsyncDisposable
{
    private readonly Socket _socket;

    private TlsClient(Socket socket, SslStream stream)
    {
        _socket = socket;
        Stream = stream;
    }

    public SslStream Stream { get; }

    public X509Certificate2 ServerCertificate => (X509Certificate2)Stream.RemoteCertificate!;

    public static async Task<TlsClient> ConnectAsync(
        IPEndPoint endPoint,
        TestCertificates certificates,
        X509Certificate2? clientCertificate = null,
        SslProtocols versions = SslProtocols.None,
        CipherSuitesPolicy? cipherSuites = null)
    {
        var socket = await TestServers.ConnectRawAsync(endPoint);
        var stream = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
        try
        {
            var options = new SslClientAuthenticationOptions
            {
                TargetHost = "127.0.0.1",
                EnabledSslProtocols = versions,
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificates.Trusts(certificate),
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
                LocalCertificateSelectionCallback = clientCertificate is null ? null : (_, _, _, _, _) => clientCertificate,
            };
            if (cipherSuites is not null)
            {
                options.CipherSuitesPolicy = cipherSuites;
            }

            await stream.AuthenticateAsClientAsync(options).WaitAsync(TestServers.Timeout);
            return new TlsClient(socket, stream);
        }
        catch
        {
            await stream.DisposeAsync();
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Whether the server accepts an MQTT CONNECT over this connection. With TLS 1.3 the server judges a client
    /// certificate after the client considers the handshake done, so a refusal may only show here.
    /// </summary>
    public async Task<bool> ConnectMqttAsync()
    {
        try
        {
            await Stream.WriteAsync(TestServers.Connect311).AsTask().WaitAsync(TestServers.Timeout);
            return (await ReadAsync(4)).SequenceEqual(TestServers.ConnAckAccepted);
        }
        catch (Exception e) when (e is IOException or AuthenticationException)
        {
            return false;
        }
    }

    /// <summary>Whether a client with this certificate gets through the handshake and CONNECT, over TLS 1.2 and 1.3.</summary>
    public static async Task<bool> IsAcceptedAsync(IPEndPoint endPoint, TestCertificates certificates, X509Certificate2? clientCertificate, SslProtocols version)
    {
        try
        {
            await using var client = await ConnectAsync(endPoint, certificates, clientCertificate, version);
            return await client.ConnectMqttAsync();
        }
        catch (Exception e) when (e is IOException or AuthenticationException)
        {
            return false;
        }
    }

    public async Task<byte[]> ReadAsync(int count)
    {
        var buffer = new byte[count];
        var read = 0;
        while (read < count)
        {
            var n = await Stream.ReadAsync(buffer.AsMemory(read)).AsTask().WaitAsync(TestServers.Timeout);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return buffer[..read];
    }

    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync();
        _socket.Dispose();
    }
}
