using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;

namespace Tether.Client.Transport;

/// <summary>MQTT over TCP, or over TLS on top of TCP: the stream wrapped in pipes.</summary>
internal sealed class StreamTransport : IMqttTransport
{
    private readonly Stream _stream;

    private StreamTransport(Stream stream)
    {
        _stream = stream;
        Input = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        Output = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    public string? CloseFrameDetail => null;

    public static async Task<StreamTransport> ConnectAsync(string host, int port, MqttTlsOptions? tls, System.Net.IPAddress? bindAddress, CancellationToken cancellationToken)
    {
        // Bound to one address, the socket must be of that address's family; otherwise dual mode reaches both.
        var socket = bindAddress is null
            ? new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true }
            : new Socket(bindAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        try
        {
            if (bindAddress is not null)
            {
                socket.Bind(new System.Net.IPEndPoint(bindAddress, 0));
            }

            await socket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: true);
            if (tls is not null)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                await ssl.AuthenticateAsClientAsync(TlsSettings.ClientAuthentication(tls, host), cancellationToken).ConfigureAwait(false);
            }

            return new StreamTransport(stream);
        }
        catch
        {
            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                socket.Dispose();
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Input.CompleteAsync().ConfigureAwait(false);
        await Output.CompleteAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
    }
}
