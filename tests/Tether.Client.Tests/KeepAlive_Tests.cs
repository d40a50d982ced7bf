using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using Tether.Client.Tests.Support;
using Tether.Protocol;

namespace Tether.Client.Tests;

/// <summary>PINGREQ every keep alive period on the injected clock; an unanswered one ends the connection.</summary>
public sealed class KeepAlive_Tests
{
    private static readonly byte[] ConnAckAccepted = [0x20, 0x02, 0x00, 0x00];
    private static readonly byte[] PingReq = [0xC0, 0x00];
    private static readonly byte[] PingResp = [0xD0, 0x00];

    /// <summary>3.1.1 PUBLISH QoS 0, topic "t", payload "x".</summary>
    private static readonly byte[] TinyPublish = [0x30, 0x04, 0x00, 0x01, (byte)'t', (byte)'x'];

    [Fact]
    public async Task An_unanswered_PINGREQ_is_a_keepalive_timeout()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var client = new MqttClient(Options(listener, time));
        var events = new ClientEvents(client);
        var connecting = client.ConnectAsync();
        using var server = await AcceptAndConnAckAsync(listener);
        await connecting.WaitAsync(TestBroker.Timeout);

        var lost = events.NextAsync<MqttDisconnectedEventArgs>();
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(PingReq, await ReadAsync(server, 2));

        // The server stays silent for a whole period.
        time.Advance(TimeSpan.FromSeconds(10));
        var reason = await lost;
        Assert.Equal(MqttDisconnectKind.KeepAliveTimeout, reason.Kind);
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task An_answered_PINGREQ_keeps_the_connection()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var client = new MqttClient(Options(listener, time));
        var connecting = client.ConnectAsync();
        using var server = await AcceptAndConnAckAsync(listener);
        await connecting.WaitAsync(TestBroker.Timeout);

        for (var i = 0; i < 3; i++)
        {
            time.Advance(TimeSpan.FromSeconds(10));
            Assert.Equal(PingReq, await ReadAsync(server, 2));
            await server.SendAsync(PingResp);

            // A message sent after the PINGRESP arrives only once the PINGRESP has been handled.
            await server.SendAsync(TinyPublish);
            Assert.Single(await client.TakeAsync(1));
        }

        Assert.True(client.IsConnected);
    }

    private static MqttClientOptions Options(TcpListener listener, TimeProvider time) => MqttClientOptions.Default with
    {
        Port = ((IPEndPoint)listener.LocalEndpoint).Port,
        ProtocolVersion = ProtocolVersion.V311,
        ClientId = "pinger",
        KeepAlive = TimeSpan.FromSeconds(10),
        TimeProvider = time,
        ConnectTimeout = TestBroker.Timeout,
        Reconnect = MqttReconnectOptions.Default with { Enabled = false },
    };

    private static async Task<Socket> AcceptAndConnAckAsync(TcpListener listener)
    {
        var socket = await listener.AcceptSocketAsync().WaitAsync(TestBroker.Timeout);
        var header = await ReadAsync(socket, 2);
        Assert.Equal(0x10, header[0]);
        await ReadAsync(socket, header[1]); // CONNECT is short: one length byte
        await socket.SendAsync(ConnAckAccepted);
        return socket;
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
