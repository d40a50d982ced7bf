using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

using Tether.Server.Tests.Hosting;

namespace Tether.Server.Tests.WebSockets;

/// <summary>
/// A WebSocket client written from RFC 6455 over a raw socket, as strict as Paho Java 1.2.5's WebSocketReceiver:
/// any frame from the server that is not a final binary frame (opcode 2) or a close frame (opcode 8) fails it. It
/// also sends whatever frames a test needs: split, packed, fragmented, text, malformed close.
/// </summary>
internal sealed class StrictWebSocketClient : IAsyncDisposable
{
    public const byte Continuation = 0x0, Text = 0x1, Binary = 0x2, Close = 0x8, Ping = 0x9, Pong = 0xA;

    private readonly Socket _socket;
    private readonly List<byte> _mqttBytes = [];
    private byte[] _pending = [];

    private StrictWebSocketClient(Socket socket) => _socket = socket;

    /// <summary>The subprotocol the server chose, or null.</summary>
    public string? SubProtocol { get; private set; }

    /// <summary>The close frame received from the server: its code (null when it had none).</summary>
    public int? ReceivedCloseCode { get; private set; }

    public bool CloseReceived { get; private set; }

    public static async Task<StrictWebSocketClient> ConnectAsync(IPEndPoint endPoint, string path = "/mqtt", params string[] subProtocols)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endPoint).WaitAsync(TestServers.Timeout);
        var client = new StrictWebSocketClient(socket);
        await client.HandshakeAsync(endPoint, path, subProtocols.Length == 0 ? ["mqtt"] : subProtocols);
        return client;
    }

    public static async Task<StrictWebSocketClient> ConnectWithoutSubProtocolAsync(IPEndPoint endPoint)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endPoint).WaitAsync(TestServers.Timeout);
        var client = new StrictWebSocketClient(socket);
        await client.HandshakeAsync(endPoint, "/", []);
        return client;
    }

    private async Task HandshakeAsync(IPEndPoint endPoint, string path, string[] subProtocols)
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var request = new StringBuilder()
            .Append("GET ").Append(path).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(endPoint).Append("\r\n")
            .Append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
            .Append("Sec-WebSocket-Key: ").Append(key).Append("\r\n")
            .Append("Sec-WebSocket-Version: 13\r\n");
        if (subProtocols.Length > 0)
        {
            request.Append("Sec-WebSocket-Protocol: ").Append(string.Join(", ", subProtocols)).Append("\r\n");
        }

        await _socket.SendAsync(Encoding.ASCII.GetBytes(request.Append("\r\n").ToString()));
        var head = await ReadHttpHeadAsync();
        var lines = head.Split("\r\n");
        if (!lines[0].StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("Handshake refused: " + head);
        }

        #pragma warning disable CA5350 // RFC 6455 §4.2.2 defines the accept key with SHA-1.
        var expected = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
#pragma warning restore CA5350
        string? accept = null;
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                continue;
            }

            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Sec-WebSocket-Accept", StringComparison.OrdinalIgnoreCase))
            {
                accept = value;
            }
            else if (name.Equals("Sec-WebSocket-Protocol", StringComparison.OrdinalIgnoreCase))
            {
                SubProtocol = value;
            }
        }

        if (accept != expected)
        {
            throw new InvalidOperationException("Bad Sec-WebSocket-Accept: " + head);
        }
    }

    private async Task<string> ReadHttpHeadAsync()
    {
        var received = new List<byte>();
        var buffer = new byte[1024];
        while (true)
        {
            var n = await _socket.ReceiveAsync(buffer).WaitAsync(TestServers.Timeout);
            if (n == 0)
            {
                throw new IOException("Closed during the handshake.");
            }

            received.AddRange(buffer.AsSpan(0, n));
            var text = Encoding.ASCII.GetString([.. received]);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                // Anything after the head is already WebSocket data.
                _pending = [.. received.Skip(Encoding.ASCII.GetByteCount(text[..(end + 4)]))];
                return text[..end];
            }
        }
    }

    /// <summary>Sends one masked frame.</summary>
    public async Task SendFrameAsync(byte opcode, ReadOnlyMemory<byte> payload, bool fin = true)
    {
        var header = new List<byte> { (byte)((fin ? 0x80 : 0) | opcode) };
        if (payload.Length < 126)
        {
            header.Add((byte)(0x80 | payload.Length));
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            header.Add(0x80 | 126);
            header.Add((byte)(payload.Length >> 8));
            header.Add((byte)payload.Length);
        }
        else
        {
            header.Add(0x80 | 127);
            var length = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(length, (ulong)payload.Length);
            header.AddRange(length);
        }

        var mask = RandomNumberGenerator.GetBytes(4);
        header.AddRange(mask);
        var masked = payload.ToArray();
        for (var i = 0; i < masked.Length; i++)
        {
            masked[i] ^= mask[i % 4];
        }

        await _socket.SendAsync((byte[])[.. header, .. masked]);
    }

    public Task SendBinaryAsync(params byte[] payload) => SendFrameAsync(Binary, payload);

    /// <summary>Reads one frame. Fails, like Paho Java, on anything but a final binary frame or a close frame.</summary>
    public async Task<(byte Opcode, byte[] Payload)> ReadFrameAsync(TimeSpan? timeout = null)
    {
        var frame = await ReadAnyFrameAsync(timeout ?? TestServers.Timeout);
        Check(frame.Opcode, frame.Fin);

        if (frame.Opcode == Close)
        {
            CloseReceived = true;
            ReceivedCloseCode = frame.Payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(frame.Payload) : null;
        }

        return (frame.Opcode, frame.Payload);
    }

    /// <summary>Paho Java's rule: only final binary frames and close frames.</summary>
    public static void Check(byte opcode, bool fin)
    {
        if (opcode is not (Binary or Close) || !fin)
        {
            throw new StrictClientException($"received a frame with opcode {opcode} (fin {fin}); only final binary and close frames are accepted");
        }
    }

    /// <summary>Reads one frame of any kind (for tests that look for control frames), or null after <paramref name="timeout"/>.</summary>
    public async Task<(byte Opcode, bool Fin, byte[] Payload)?> TryReadAnyFrameAsync(TimeSpan timeout)
    {
        try
        {
            return await ReadAnyFrameAsync(timeout);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    /// <summary>Reads the next complete MQTT packet from binary frames; null when the server closed instead.</summary>
    public async Task<byte[]?> ReadPacketAsync()
    {
        while (true)
        {
            if (TryTakePacket(out var packet))
            {
                return packet;
            }

            var (opcode, payload) = await ReadFrameAsync();
            if (opcode == Close)
            {
                return null;
            }

            _mqttBytes.AddRange(payload);
        }
    }

    /// <summary>Answers the server's close frame, as a well-behaved client does.</summary>
    public Task SendCloseAsync(ushort code = 1000)
    {
        var payload = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(payload, code);
        return SendFrameAsync(Close, payload);
    }

    /// <summary>True when the server has closed the TCP connection (reads return 0) within the timeout.</summary>
    public async Task<bool> WaitForTcpCloseAsync()
    {
        var buffer = new byte[256];
        try
        {
            while (true)
            {
                var n = await _socket.ReceiveAsync(buffer).WaitAsync(TestServers.Timeout);
                if (n == 0)
                {
                    return true;
                }
            }
        }
        catch (SocketException)
        {
            return true;
        }
    }

    private bool TryTakePacket(out byte[] packet)
    {
        packet = [];
        if (_mqttBytes.Count < 2)
        {
            return false;
        }

        var length = 0;
        var multiplier = 1;
        var index = 1;
        while (true)
        {
            if (index >= _mqttBytes.Count)
            {
                return false;
            }

            var b = _mqttBytes[index++];
            length += (b & 0x7F) * multiplier;
            multiplier *= 128;
            if ((b & 0x80) == 0)
            {
                break;
            }
        }

        if (_mqttBytes.Count < index + length)
        {
            return false;
        }

        packet = [.. _mqttBytes.GetRange(0, index + length)];
        _mqttBytes.RemoveRange(0, index + length);
        return true;
    }

    private async Task<(byte Opcode, bool Fin, byte[] Payload)> ReadAnyFrameAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var head = await ReadExactAsync(2, cts.Token);
        var fin = (head[0] & 0x80) != 0;
        var opcode = (byte)(head[0] & 0x0F);
        if ((head[1] & 0x80) != 0)
        {
            throw new StrictClientException("the server masked a frame (RFC 6455 §5.1 forbids it)");
        }

        long length = head[1] & 0x7F;
        if (length == 126)
        {
            length = BinaryPrimitives.ReadUInt16BigEndian(await ReadExactAsync(2, cts.Token));
        }
        else if (length == 127)
        {
            length = (long)BinaryPrimitives.ReadUInt64BigEndian(await ReadExactAsync(8, cts.Token));
        }

        var payload = await ReadExactAsync((int)length, cts.Token);
        return (opcode, fin, payload);
    }

    private async Task<byte[]> ReadExactAsync(int count, CancellationToken cancellationToken)
    {
        var result = new byte[count];
        var read = 0;
        var fromPending = Math.Min(count, _pending.Length);
        _pending.AsSpan(0, fromPending).CopyTo(result);
        _pending = _pending[fromPending..];
        read += fromPending;
        while (read < count)
        {
            int n;
            try
            {
                n = await _socket.ReceiveAsync(result.AsMemory(read), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // A partial read would desynchronise the stream; only an idle wait times out cleanly.
                if (read > 0)
                {
                    throw new IOException("Timed out in the middle of a frame.");
                }

                throw new TimeoutException();
            }

            if (n == 0)
            {
                throw new EndOfStreamException("The server closed the TCP connection.");
            }

            read += n;
        }

        return result;
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>What Paho Java's WebSocketReceiver would have thrown.</summary>
internal sealed class StrictClientException(string message) : Exception(message);
