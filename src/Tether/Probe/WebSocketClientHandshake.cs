using System.Security.Cryptography;
using System.Text;

namespace Tether.Probe;

/// <summary>The client's opening handshake (RFC 6455 §4.1): an HTTP/1.1 GET with Upgrade, checked answer.</summary>
internal static class WebSocketClientHandshake
{
    /// <summary>A response head longer than this is not a WebSocket server answering.</summary>
    private const int MaximumResponseHeadLength = 16 * 1024;

    /// <summary>The GUID of RFC 6455 §1.3 that the accept key is derived with.</summary>
    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>Sends the upgrade request and reads the answer, byte by byte so that no frame after it is consumed.</summary>
    /// <returns>The server's status line and the subprotocol it chose (null when none).</returns>
    /// <exception cref="ProbeConnectException">The server did not accept the upgrade.</exception>
    public static async Task<(string StatusLine, string? SubProtocol)> PerformAsync(Stream stream, string hostHeader, string path, CancellationToken cancellationToken)
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var request = "GET " + path + " HTTP/1.1\r\n"
            + "Host: " + hostHeader + "\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Key: " + key + "\r\n"
            + "Sec-WebSocket-Version: 13\r\n"
            + "Sec-WebSocket-Protocol: mqtt\r\n"
            + "User-Agent: tether-probe\r\n"
            + "\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);

        var head = await ReadHeadAsync(stream, cancellationToken).ConfigureAwait(false);
        var lines = head.Split("\r\n");
        var statusLine = lines[0];
        var parts = statusLine.Split(' ', 3);
        if (parts.Length < 2 || parts[1] != "101")
        {
            throw new ProbeConnectException($"the server refused the WebSocket upgrade: \"{statusLine}\"");
        }

        string? accept = null, upgrade = null, subProtocol = null;
        foreach (var line in lines.AsSpan(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Sec-WebSocket-Accept", StringComparison.OrdinalIgnoreCase))
            {
                accept = value;
            }
            else if (name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase))
            {
                upgrade = value;
            }
            else if (name.Equals("Sec-WebSocket-Protocol", StringComparison.OrdinalIgnoreCase))
            {
                subProtocol = value;
            }
        }

        if (!string.Equals(upgrade, "websocket", StringComparison.OrdinalIgnoreCase))
        {
            throw new ProbeConnectException($"the server answered {statusLine} without \"Upgrade: websocket\"");
        }

        // §4.2.2: base64 of the SHA-1 of the key and the GUID; SHA-1 is what the protocol prescribes, not a choice.
#pragma warning disable CA5350
        var expected = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + AcceptGuid)));
#pragma warning restore CA5350
        if (accept != expected)
        {
            throw new ProbeConnectException($"the server's Sec-WebSocket-Accept \"{accept}\" does not match the key (expected \"{expected}\")");
        }

        return (statusLine, subProtocol);
    }

    private static async Task<string> ReadHeadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var head = new List<byte>(512);
        var one = new byte[1];
        while (head.Count < MaximumResponseHeadLength)
        {
            if (await stream.ReadAsync(one, cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new ProbeConnectException(head.Count == 0
                    ? "the server closed the connection without answering the WebSocket upgrade"
                    : "the server closed the connection in the middle of its HTTP answer");
            }

            head.Add(one[0]);
            var n = head.Count;
            if (n >= 4 && head[n - 4] == '\r' && head[n - 3] == '\n' && head[n - 2] == '\r' && head[n - 1] == '\n')
            {
                return Encoding.Latin1.GetString([.. head], 0, n - 4);
            }
        }

        throw new ProbeConnectException($"the server's HTTP answer is longer than {MaximumResponseHeadLength} bytes");
    }
}
