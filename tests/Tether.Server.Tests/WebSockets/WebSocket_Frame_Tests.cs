using System.Text;
using Microsoft.Extensions.Logging;
using Tether.Broker;

using Tether.Server.Tests.Hosting;

namespace Tether.Server.Tests.WebSockets;

/// <summary>What clients may do with frames (MQTT 3.1.1 §6.0 / 5.0 §6.0), and the ways they close.</summary>
public class WebSocket_Frame_Tests
{
    [Fact]
    public async Task Packets_split_across_frames_packed_into_one_and_sent_as_continuations_are_all_read()
    {
        await using var server = await WebSocketTestServer.StartAsync();
        await using var client = await StrictWebSocketClient.ConnectAsync(server.EndPoint);

        // CONNECT split across three frames, the middle one empty.
        var connect = Mqtt311.Connect("frames", keepAlive: 60);
        await client.SendBinaryAsync(connect[..3]);
        await client.SendBinaryAsync();
        await client.SendBinaryAsync(connect[3..]);
        Assert.Equal(TestServers.ConnAckAccepted, await client.ReadPacketAsync());

        // SUBSCRIBE and PINGREQ in one frame.
        await client.SendBinaryAsync([.. Mqtt311.Subscribe(7, "frames/#"), .. Mqtt311.PingReq]);
        Assert.Equal([0x90, 0x03, 0x00, 0x07, 0x00], await client.ReadPacketAsync());
        Assert.Equal(Mqtt311.PingResp, await client.ReadPacketAsync());

        // One PUBLISH as a fragmented message: binary (not final), continuation, final continuation.
        var publish = Mqtt311.Publish("frames/x", "fragmented payload");
        await client.SendFrameAsync(StrictWebSocketClient.Binary, publish.AsMemory(0, 4), fin: false);
        await client.SendFrameAsync(StrictWebSocketClient.Continuation, publish.AsMemory(4, 6), fin: false);
        await client.SendFrameAsync(StrictWebSocketClient.Continuation, publish.AsMemory(10), fin: true);
        Assert.Equal(("frames/x", "fragmented payload"), Mqtt311.ParsePublish((await client.ReadPacketAsync())!));
    }

    [Fact]
    public async Task A_large_publish_goes_out_as_one_unfragmented_binary_frame()
    {
        await using var server = await WebSocketTestServer.StartAsync();
        await using var client = await StrictWebSocketClient.ConnectAsync(server.EndPoint);
        await client.SendBinaryAsync(Mqtt311.Connect("large", keepAlive: 60));
        Assert.Equal(TestServers.ConnAckAccepted, await client.ReadPacketAsync());
        await client.SendBinaryAsync(Mqtt311.Subscribe(1, "large/#"));
        Assert.Equal([0x90, 0x03, 0x00, 0x01, 0x00], await client.ReadPacketAsync());

        // 200 kB: more than one pipe segment on the way out, so the transport must join them into one frame.
        var payload = new string('x', 200_000);
        var publish = Mqtt311.Publish("large/1", payload);
        for (var offset = 0; offset < publish.Length; offset += 50_000)
        {
            await client.SendBinaryAsync(publish[offset..Math.Min(publish.Length, offset + 50_000)]);
        }

        var (opcode, frame) = await client.ReadFrameAsync();
        Assert.Equal(StrictWebSocketClient.Binary, opcode);
        Assert.Equal(publish.Length, frame.Length);
        Assert.Equal(("large/1", payload), Mqtt311.ParsePublish(frame));
    }

    [Fact]
    public async Task Client_ping_is_answered_with_pong()
    {
        await using var server = await WebSocketTestServer.StartAsync();
        await using var client = await StrictWebSocketClient.ConnectAsync(server.EndPoint);
        await client.SendFrameAsync(StrictWebSocketClient.Ping, "are you there"u8.ToArray());
        var frame = await client.TryReadAnyFrameAsync(TestServers.Timeout);
        Assert.NotNull(frame);
        Assert.Equal(StrictWebSocketClient.Pong, frame.Value.Opcode);
        Assert.Equal("are you there", Encoding.ASCII.GetString(frame.Value.Payload));
    }

    [Fact]
    public async Task Text_frame_closes_with_1003_and_a_logged_reason()
    {
        await using var server = await WebSocketTestServer.StartAsync();
        await using var client = await StrictWebSocketClient.ConnectAsync(server.EndPoint);
        await client.SendBinaryAsync(Mqtt311.Connect("texter", keepAlive: 60));
        Assert.Equal(TestServers.ConnAckAccepted, await client.ReadPacketAsync());

        await client.SendFrameAsync(StrictWebSocketClient.Text, "hello"u8.ToArray());
        Assert.Null(await client.ReadPacketAsync());
        Assert.Equal(1003, client.ReceivedCloseCode);
        var line = await server.WaitForLineAsync("Client texter (");
        Assert.Contains("protocol error", line, StringComparison.Ordinal);
        Assert.Contains("text frame", line, StringComparison.Ordinal);
        Assert.Equal(1, server.Server.Broker.Statistics.Disconnects(DisconnectReason.ProtocolError));
    }

    [Fact]
    public async Task Paho_malformed_close_frame_is_a_normal_client_close_and_the_will_is_published()
    {
        await using var server = await WebSocketTestServer.StartAsync();
        await using var watcher = await StrictWebSocketClient.ConnectAsync(server.EndPoint);
        await watcher.SendBinaryAsync(Mqtt311.Connect("watcher", keepAlive: 60));
        Assert.Equal(TestServers.ConnAckAccepted, await watcher.ReadPacketAsync());
        await watcher.SendBinaryAsync(Mqtt311.Subscribe(1, "wills/#"));
        Assert.Equal([0x90, 0x03, 0x00, 0x01, 0x00], await watcher.ReadPacketAsync());

        await using var paho = await StrictWebSocketClient.ConnectAsync(server.EndPoint);
        await paho.SendBinaryAsync(Mqtt311.Connect("paho", keepAlive: 60, willTopic: "wills/paho", willPayload: "gone"));
        Assert.Equal(TestServers.ConnAckAccepted, await paho.ReadPacketAsync());

        // Paho Java 1.2.5 puts the ASCII text "1000" in its close frame: read as status code 0x3130 = 12592.
        await paho.SendFrameAsync(StrictWebSocketClient.Close, "1000"u8.ToArray());

        Assert.Equal(("wills/paho", "gone"), Mqtt311.ParsePublish((await watcher.ReadPacketAsync())!));

        // .NET answers an invalid close code with its own close frame, 1002 (protocol error), before Tether sees it.
        Assert.Null(await paho.ReadPacketAsync());
        Assert.Equal(1002, paho.ReceivedCloseCode);
        var line = await server.WaitForLineAsync("Client paho (");
        Assert.True(line.Contains("closed by client", StringComparison.Ordinal), line);
        Assert.Contains("closed by client", line, StringComparison.Ordinal);
        Assert.Contains("malformed close frame", line, StringComparison.Ordinal);
        Assert.Equal(1, server.Server.Broker.Statistics.Disconnects(DisconnectReason.WebSocketClose));
        Assert.DoesNotContain(server.Lines(), l => l.Level >= LogLevel.Error || l.Exception is not null);
    }

    [Fact]
    public async Task Close_frame_without_disconnect_is_logged_with_its_code_and_publishes_the_will()
    {
        await using var server = await WebSocketTestServer.StartAsync();
        await using var watcher = await StrictWebSocketClient.ConnectAsync(server.EndPoint);
        await watcher.SendBinaryAsync(Mqtt311.Connect("watcher2", keepAlive: 60));
        Assert.Equal(TestServers.ConnAckAccepted, await watcher.ReadPacketAsync());
        await watcher.SendBinaryAsync(Mqtt311.Subscribe(1, "wills/#"));
        Assert.Equal([0x90, 0x03, 0x00, 0x01, 0x00], await watcher.ReadPacketAsync());

        await using var client = await StrictWebSocketClient.ConnectAsync(server.EndPoint);
        await client.SendBinaryAsync(Mqtt311.Connect("closer", keepAlive: 60, willTopic: "wills/closer", willPayload: "bye"));
        Assert.Equal(TestServers.ConnAckAccepted, await client.ReadPacketAsync());
        await client.SendCloseAsync(1001);

        Assert.Null(await client.ReadPacketAsync());
        Assert.Equal(1001, client.ReceivedCloseCode);
        Assert.Equal(("wills/closer", "bye"), Mqtt311.ParsePublish((await watcher.ReadPacketAsync())!));
        var line = await server.WaitForLineAsync("Client closer (");
        Assert.Contains("closed by client", line, StringComparison.Ordinal);
        Assert.Contains("code 1001", line, StringComparison.Ordinal);
    }
}
