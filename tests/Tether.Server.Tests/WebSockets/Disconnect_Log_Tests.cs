using Microsoft.Extensions.Time.Testing;
using Tether.Broker;
using Tether.Server.Tests.Hosting;

namespace Tether.Server.Tests.WebSockets;

/// <summary>Every ending of a WebSocket connection is exactly one log line and one count, with who closed it.</summary>
public class Disconnect_Log_Tests
{
    [Fact]
    public async Task Each_kind_of_ending_is_one_line_with_its_cause_and_who_closed_it()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await WebSocketTestServer.StartAsync(time);

        // Client DISCONNECT.
        await using (var polite = await ConnectAsync(server, "polite"))
        {
            await polite.SendBinaryAsync(Mqtt311.Disconnect);
            Assert.Null(await polite.ReadPacketAsync());
        }

        // TCP connection dropped without close frame or DISCONNECT.
        var dropped = await ConnectAsync(server, "dropped");
        await dropped.DisposeAsync();

        // Session taken over by a second connection with the same client id.
        await using var first = await ConnectAsync(server, "twin");
        await using var second = await ConnectAsync(server, "twin");
        Assert.Null(await first.ReadPacketAsync());

        // Protocol error: a PUBLISH with QoS 3.
        await using (var broken = await ConnectAsync(server, "broken"))
        {
            await broken.SendBinaryAsync(0x36, 0x00);
            Assert.Null(await broken.ReadPacketAsync());
            Assert.Equal(1002, broken.ReceivedCloseCode);
        }

        Assert.Contains("closed by client: client sent DISCONNECT", await OneLineAsync(server, "polite"), StringComparison.Ordinal);
        Assert.Contains("closed by client: socket closed", await OneLineAsync(server, "dropped"), StringComparison.Ordinal);
        Assert.Contains("closed by broker: session taken over (by a new connection from 127.0.0.1:", await OneLineAsync(server, "twin"), StringComparison.Ordinal);
        Assert.Contains("closed by broker: protocol error", await OneLineAsync(server, "broken"), StringComparison.Ordinal);

        var stats = server.Server.Broker.Statistics;
        Assert.Equal(1, stats.Disconnects(DisconnectReason.ClientDisconnect));
        Assert.Equal(1, stats.Disconnects(DisconnectReason.SocketClosed));
        Assert.Equal(1, stats.Disconnects(DisconnectReason.SessionTakenOver));
        Assert.Equal(1, stats.Disconnects(DisconnectReason.ProtocolError));
    }

    [Fact]
    public async Task Server_shutdown_sends_the_v5_disconnect_then_close_1001()
    {
        var server = await WebSocketTestServer.StartAsync();
        await using var client = await StrictWebSocketClient.ConnectAsync(server.EndPoint);

        // MQTT 5 CONNECT, client id "v5", keep alive 60, no properties.
        await client.SendBinaryAsync(0x10, 0x0F, 0x00, 0x04, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 0x05, 0x02, 0x00, 0x3C, 0x00, 0x00, 0x02, (byte)'v', (byte)'5');
        var connAck = await client.ReadPacketAsync();
        Assert.Equal(0x20, connAck![0]);

        var stopping = server.DisposeAsync().AsTask();
        var disconnect = await client.ReadPacketAsync();
        Assert.Equal(0xE0, disconnect![0]);
        Assert.Equal(0x8B, disconnect[2]); // server shutting down
        Assert.Null(await client.ReadPacketAsync());
        Assert.Equal(1001, client.ReceivedCloseCode);
        await client.SendCloseAsync(1001);
        await stopping.WaitAsync(TestServers.Timeout);
    }

    private static async Task<StrictWebSocketClient> ConnectAsync(WebSocketTestServer server, string clientId)
    {
        var client = await StrictWebSocketClient.ConnectAsync(server.EndPoint);
        await client.SendBinaryAsync(Mqtt311.Connect(clientId, keepAlive: 60));
        Assert.Equal(TestServers.ConnAckAccepted, await client.ReadPacketAsync());
        return client;
    }

    private static async Task<string> OneLineAsync(WebSocketTestServer server, string clientId)
    {
        var prefix = $"Client {clientId} (";
        var line = await server.WaitForLineAsync(prefix);
        Assert.Single(server.Lines(), l => l.Message.StartsWith(prefix, StringComparison.Ordinal) || l.Message.Contains($" {clientId} already connected", StringComparison.Ordinal));
        return line;
    }
}
