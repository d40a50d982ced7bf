using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Tether.Client.Tests.Support;
using Tether.Protocol;

namespace Tether.Client.Tests;

/// <summary>
/// Against a hand-written WebSocket server (RFC 6455 frames on a raw socket): the client answers a PING with a PONG
/// carrying the same payload, ignores an unsolicited PONG, and reassembles an MQTT packet split across frames.
/// </summary>
public sealed class WebSocket_ControlFrame_Tests
{
    [Fact]
    public async Task Ping_is_answered_and_other_control_frames_are_tolerated()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var client = new MqttClient(MqttClientOptions.Default with
        {
            Uri = new Uri($"ws://127.0.0.1:{port}/mqtt"),
            ProtocolVersion = ProtocolVersion.V311,
            ClientId = "ws-frames",
            ConnectTimeout = TestBroker.Timeout,
            Reconnect = MqttReconnectOptions.Default with { Enabled = false },
        });
        var connecting = client.ConnectAsync();

        using var socket = await listener.AcceptSocketAsync().WaitAsync(TestBroker.Timeout);
        await using var stream = new NetworkStream(socket);
        var request = await ReadHttpRequestAsync(stream);
        Assert.Contains("Sec-WebSocket-Protocol: mqtt", request, StringComparison.OrdinalIgnoreCase);
        await AcceptUpgradeAsync(stream, request);

        var connect = await ReadFrameAsync(stream);
        Assert.Equal(0x2, connect.Opcode);
        Assert.Equal(0x10, connect.Payload[0]);

        // PING with a payload, an unsolicited PONG, then CONNACK split over a binary frame and a continuation.
        await stream.WriteAsync(new byte[] { 0x89, 0x02, (byte)'h', (byte)'i' });
        await stream.WriteAsync(new byte[] { 0x8A, 0x00 });
        await stream.WriteAsync(new byte[] { 0x02, 0x02, 0x20, 0x02 });
        await stream.WriteAsync(new byte[] { 0x80, 0x02, 0x00, 0x00 });

        var pong = await ReadFrameAsync(stream);
        Assert.Equal(0xA, pong.Opcode);
        Assert.Equal("hi"u8.ToArray(), pong.Payload);
        var result = await connecting.WaitAsync(TestBroker.Timeout);
        Assert.False(result.SessionPresent);
        Assert.True(client.IsConnected);
    }

    private static async Task<string> ReadHttpRequestAsync(Stream stream)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (bytes.Count < 8192)
        {
            if (await stream.ReadAsync(one).AsTask().WaitAsync(TestBroker.Timeout) == 0)
            {
                break;
            }

            bytes.Add(one[0]);
            if (bytes.Count >= 4 && bytes[^4] == '\r' && bytes[^3] == '\n' && bytes[^2] == '\r' && bytes[^1] == '\n')
            {
                break;
            }
        }

        return Encoding.ASCII.GetString([.. bytes]);
    }

    private static async Task AcceptUpgradeAsync(Stream stream, string request)
    {
        var key = request.Split("\r\n").Single(l => l.StartsWith("Sec-WebSocket-Key:", StringComparison.OrdinalIgnoreCase))["Sec-WebSocket-Key:".Length..].Trim();

        // RFC 6455 §4.2.2: the accept value is base64(SHA-1(key + the protocol's GUID)).
#pragma warning disable CA5350 // SHA-1 is what the WebSocket handshake specifies; it protects nothing here.
        var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
#pragma warning restore CA5350
        var response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + $"Sec-WebSocket-Accept: {accept}\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(response));
    }

    /// <summary>Reads one client frame (always masked, RFC 6455 §5.3); payloads here are short.</summary>
    private static async Task<(int Opcode, byte[] Payload)> ReadFrameAsync(Stream stream)
    {
        var header = await ReadExactlyAsync(stream, 2);
        var length = header[1] & 0x7F;
        Assert.True((header[1] & 0x80) != 0, "client frames are masked");
        Assert.True(length < 126);
        var mask = await ReadExactlyAsync(stream, 4);
        var payload = await ReadExactlyAsync(stream, length);
        for (var i = 0; i < payload.Length; i++)
        {
            payload[i] ^= mask[i % 4];
        }

        return (header[0] & 0x0F, payload);
    }

    private static async Task<byte[]> ReadExactlyAsync(Stream stream, int count)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer).AsTask().WaitAsync(TestBroker.Timeout);
        return buffer;
    }
}
