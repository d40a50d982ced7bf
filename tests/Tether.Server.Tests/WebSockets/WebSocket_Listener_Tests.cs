using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Tether.Broker;

using Tether.Server.Tests.Hosting;

namespace Tether.Server.Tests.WebSockets;

/// <summary>
/// MQTT over WebSocket with a client as strict as Paho Java 1.2.5: the server must never send it a frame that is
/// not binary or close (the bug behind Tether: Mosquitto 2.0.11+ pings after 300 s and Paho drops the connection).
/// </summary>
public class WebSocket_Listener_Tests
{
    [Fact]
    public async Task Strict_client_connects_pings_and_round_trips_a_publish()
    {
        await using var server = await WebSocketTestServer.StartAsync();
        await server.WaitForLineAsync($"Opening websockets listen socket on port {server.EndPoint.Port}.");
        await using var client = await StrictWebSocketClient.ConnectAsync(server.EndPoint, "/mqtt", "mqtt");
        Assert.Equal("mqtt", client.SubProtocol);

        await client.SendBinaryAsync(Mqtt311.Connect("strict-1", keepAlive: 60));
        Assert.Equal(TestServers.ConnAckAccepted, await client.ReadPacketAsync());

        await client.SendBinaryAsync(Mqtt311.PingReq);
        Assert.Equal(Mqtt311.PingResp, await client.ReadPacketAsync());

        await client.SendBinaryAsync(Mqtt311.Subscribe(1, "ws/test/#"));
        Assert.Equal([0x90, 0x03, 0x00, 0x01, 0x00], await client.ReadPacketAsync());
        await client.SendBinaryAsync(Mqtt311.Publish("ws/test/a", "hello"));
        Assert.Equal(("ws/test/a", "hello"), Mqtt311.ParsePublish((await client.ReadPacketAsync())!));

        await client.SendBinaryAsync(Mqtt311.Disconnect);
        Assert.Null(await client.ReadPacketAsync());
        Assert.Equal(1000, client.ReceivedCloseCode);
        await server.WaitForLineAsync("strict-1 (127.0.0.1");
        Assert.Equal(1, server.Server.Broker.Statistics.Disconnects(DisconnectReason.ClientDisconnect));
    }

    [Fact]
    public async Task Strict_client_stays_connected_for_hours_of_fake_time_while_it_sends_pingreq()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await WebSocketTestServer.StartAsync(time);
        await using var client = await StrictWebSocketClient.ConnectAsync(server.EndPoint);
        await client.SendBinaryAsync(Mqtt311.Connect("strict-hours", keepAlive: 60));
        Assert.Equal(TestServers.ConnAckAccepted, await client.ReadPacketAsync());

        // Three hours in 45-second steps, a PINGREQ each step (well inside 1.5 x 60 s). Any ping, pong or
        // fragment from the server fails ReadPacketAsync, as it would fail Paho Java.
        for (var elapsed = TimeSpan.Zero; elapsed < TimeSpan.FromHours(3); elapsed += TimeSpan.FromSeconds(45))
        {
            time.Advance(TimeSpan.FromSeconds(45));
            await client.SendBinaryAsync(Mqtt311.PingReq);
            Assert.Equal(Mqtt311.PingResp, await client.ReadPacketAsync());
        }

        Assert.False(client.CloseReceived);
        Assert.Equal(1, server.Server.Broker.Statistics.ClientsConnected);
        Assert.Equal(0, server.Server.Broker.Statistics.Disconnects(DisconnectReason.KeepAliveTimeout));
    }

    [Fact]
    public void Server_websocket_options_send_no_keep_alive_frames()
    {
        // ASP.NET Core's default is 2 minutes, which sends unsolicited PONGs that Paho Java dies on.
        Assert.Equal(TimeSpan.Zero, MqttWebSocketEndpoint.Options.KeepAliveInterval);
        Assert.Equal(TimeSpan.Zero, new ListenerOptions().WebSocketPingInterval);
    }

    [Fact]
    public async Task Strict_client_sees_a_ping_only_when_websockets_ping_interval_is_on()
    {
        // Real clock, bounded: with a 1 s interval the client sees a control frame within 3 s (so this test does
        // catch pings); with the default configuration it sees none in the same time.
        await using (var pinging = await WebSocketTestServer.StartAsync(pingInterval: TimeSpan.FromSeconds(1)))
        {
            await using var client = await StrictWebSocketClient.ConnectAsync(pinging.EndPoint);
            await client.SendBinaryAsync(Mqtt311.Connect("pinged", keepAlive: 60));
            Assert.Equal(TestServers.ConnAckAccepted, await client.ReadPacketAsync());
            var frame = await client.TryReadAnyFrameAsync(TimeSpan.FromSeconds(3));
            Assert.NotNull(frame);
            Assert.Equal(StrictWebSocketClient.Ping, frame.Value.Opcode);
            Assert.Throws<StrictClientException>(() => StrictWebSocketClient.Check(frame.Value.Opcode, frame.Value.Fin));
        }

        await using var server = await WebSocketTestServer.StartAsync();
        await using var quiet = await StrictWebSocketClient.ConnectAsync(server.EndPoint);
        await quiet.SendBinaryAsync(Mqtt311.Connect("quiet", keepAlive: 60));
        Assert.Equal(TestServers.ConnAckAccepted, await quiet.ReadPacketAsync());
        Assert.Null(await quiet.TryReadAnyFrameAsync(TimeSpan.FromSeconds(3)));
    }

    [Theory]
    [InlineData(new[] { "mqttv3.1", "mqtt" }, "mqttv3.1")]
    [InlineData(new[] { "chat", "mqtt" }, "mqtt")]
    [InlineData(new string[0], null)]
    public async Task Subprotocol_is_the_first_offered_mqtt_one_and_none_is_accepted(string[] offered, string? chosen)
    {
        await using var server = await WebSocketTestServer.StartAsync();
        await using var client = offered.Length == 0
            ? await StrictWebSocketClient.ConnectWithoutSubProtocolAsync(server.EndPoint)
            : await StrictWebSocketClient.ConnectAsync(server.EndPoint, "/any/path", offered);
        Assert.Equal(chosen, client.SubProtocol);
        await client.SendBinaryAsync(Mqtt311.Connect("sub-" + (chosen ?? "none"), keepAlive: 60));
        Assert.Equal(TestServers.ConnAckAccepted, await client.ReadPacketAsync());
    }

    [Fact]
    public async Task Plain_http_request_gets_426()
    {
        await using var server = await WebSocketTestServer.StartAsync();
        using var socket = await TestServers.ConnectRawAsync(server.EndPoint);
        await socket.SendAsync(Encoding.ASCII.GetBytes("GET /mqtt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), SocketFlags.None);
        var response = Encoding.ASCII.GetString(await TestServers.ReadAsync(socket, 4096));
        Assert.StartsWith("HTTP/1.1 426", response, StringComparison.Ordinal);
        Assert.Contains("WebSocket", response, StringComparison.Ordinal);
        await server.WaitForLineAsync("not a WebSocket upgrade");
    }

    [Fact]
    public async Task Silent_client_is_disconnected_after_one_and_a_half_keep_alives_and_logged_as_keepalive_timeout()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await WebSocketTestServer.StartAsync(time);
        await using var client = await StrictWebSocketClient.ConnectAsync(server.EndPoint);
        await client.SendBinaryAsync(Mqtt311.Connect("silent", keepAlive: 10));
        Assert.Equal(TestServers.ConnAckAccepted, await client.ReadPacketAsync());

        time.Advance(TimeSpan.FromSeconds(14));
        Assert.False(client.CloseReceived);
        time.Advance(TimeSpan.FromSeconds(2));

        // 3.1.1 has no DISCONNECT from the server: the next thing is the close frame.
        Assert.Null(await client.ReadPacketAsync());
        Assert.Equal(1000, client.ReceivedCloseCode);
        await client.SendCloseAsync();
        var line = await server.WaitForLineAsync("Client silent (");
        Assert.Contains("closed by broker: keep alive timeout", line, StringComparison.Ordinal);
        Assert.Equal(1, server.Server.Broker.Statistics.Disconnects(DisconnectReason.KeepAliveTimeout));
        Assert.Single(server.Lines(), l => l.Message.StartsWith("Client silent (", StringComparison.Ordinal));
    }
}
