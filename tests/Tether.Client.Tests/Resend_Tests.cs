using System.Net;
using System.Net.Sockets;
using Tether.Client.Tests.Support;
using Tether.Protocol;

namespace Tether.Client.Tests;

/// <summary>
/// Against a scripted server: an unacknowledged QoS 1 PUBLISH is sent again with DUP after a reconnect, and a
/// reconnect that finds the session present does not subscribe again [MQTT-4.4.0-1].
/// </summary>
public sealed class Resend_Tests
{
    [Fact]
    public async Task Unacknowledged_QoS1_is_resent_with_DUP_and_a_present_session_is_not_resubscribed()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await using var client = new MqttClient(MqttClientOptions.Default with
        {
            Port = ((IPEndPoint)listener.LocalEndpoint).Port,
            ProtocolVersion = ProtocolVersion.V311,
            ClientId = "resender",
            CleanStart = false,
            ConnectTimeout = TestBroker.Timeout,
            Reconnect = MqttReconnectOptions.Default with { InitialDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(50) },
        });

        var connecting = client.ConnectAsync();
        using (var first = await AcceptAsync(listener, sessionPresent: false))
        {
            await connecting.WaitAsync(TestBroker.Timeout);
            var subscribing = client.SubscribeAsync("s", QualityOfService.AtLeastOnce);
            var subscribe = await ReadPacketAsync(first);
            Assert.Equal(0x82, subscribe[0]);
            await first.SendAsync(new byte[] { 0x90, 0x03, subscribe[2], subscribe[3], 0x01 }); // SUBACK granted QoS 1
            await subscribing.WaitAsync(TestBroker.Timeout);

            var publishing = client.PublishAsync("t", "p", QualityOfService.AtLeastOnce);
            var publish = await ReadPacketAsync(first);
            Assert.Equal(0x32, publish[0]); // QoS 1, DUP 0
            Assert.False(publishing.IsCompleted);

            // The server goes away without PUBACK.
            first.Shutdown(SocketShutdown.Both);

            using var second = await AcceptAsync(listener, sessionPresent: true);
            var resent = await ReadPacketAsync(second);
            Assert.Equal(0x3A, resent[0]); // QoS 1, DUP 1 — and not a SUBSCRIBE: the session is present
            Assert.Equal(publish[1..], resent[1..]); // same packet id, topic and payload
            await second.SendAsync(new byte[] { 0x40, 0x02, resent[5], resent[6] }); // PUBACK
            await publishing.WaitAsync(TestBroker.Timeout);
        }
    }

    private static async Task<Socket> AcceptAsync(TcpListener listener, bool sessionPresent)
    {
        var socket = await listener.AcceptSocketAsync().WaitAsync(TestBroker.Timeout);
        var connect = await ReadPacketAsync(socket);
        Assert.Equal(0x10, connect[0]);
        await socket.SendAsync(new byte[] { 0x20, 0x02, sessionPresent ? (byte)1 : (byte)0, 0x00 });
        return socket;
    }

    /// <summary>One whole packet (these are short: a one-byte remaining length).</summary>
    private static async Task<byte[]> ReadPacketAsync(Socket socket)
    {
        var header = await ReadAsync(socket, 2);
        Assert.True(header[1] < 128);
        return [.. header, .. await ReadAsync(socket, header[1])];
    }

    private static async Task<byte[]> ReadAsync(Socket socket, int count)
    {
        var buffer = new byte[count];
        var read = 0;
        while (read < count)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read)).AsTask().WaitAsync(TestBroker.Timeout);
            Assert.NotEqual(0, n);
            read += n;
        }

        return buffer;
    }
}
