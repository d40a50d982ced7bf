using System.Net;
using Tether.Broker.Tests.Support;
using Tether.Protocol;

namespace Tether.Broker.Tests.Broker;

/// <summary>Every ending is counted once with its real cause, published under <c>$SYS/broker/disconnects/</c>.</summary>
public sealed class DisconnectReasonTests
{
    [Fact]
    public async Task Disconnect_counters_are_published_under_sys_with_hyphenated_names()
    {
        await using var harness = new BrokerHarness(BrokerOptions.Default with { SysIntervalSeconds = 10 });
        var silent = await harness.ConnectAsync("silent", keepAlive: 2);
        var polite = await harness.ConnectAsync("polite");
        await polite.SendAsync(new DisconnectPacket());
        await polite.BrokerEndedAsync();
        harness.Time.Advance(TimeSpan.FromSeconds(3.5));
        await silent.ReceiveUntilClosedAsync();
        await silent.BrokerEndedAsync();
        harness.Time.Advance(TimeSpan.FromSeconds(10));

        var watcher = await harness.ConnectAsync("watcher");
        await watcher.SubscribeAsync(1, "$SYS/broker/disconnects/#");
        var counters = (await watcher.DrainPublishesAsync()).ToDictionary(p => p.Topic.ToString(), p => p.PayloadText(), StringComparer.Ordinal);
        Assert.Equal("1", counters["$SYS/broker/disconnects/keepalive-timeout"]);
        Assert.Equal("1", counters["$SYS/broker/disconnects/client-disconnect"]);
        Assert.Equal("0", counters["$SYS/broker/disconnects/socket-closed"]);
        Assert.Equal("0", counters["$SYS/broker/disconnects/websocket-close"]);
        Assert.Equal("0", counters["$SYS/broker/disconnects/session-taken-over"]);
        Assert.Equal("0", counters["$SYS/broker/disconnects/protocol-error"]);
        Assert.Equal(DisconnectReasons.All.Count, counters.Count);
    }

    [Theory]
    [InlineData(DisconnectReason.ClientDisconnect, "client-disconnect", DisconnectInitiator.Client)]
    [InlineData(DisconnectReason.SocketClosed, "socket-closed", DisconnectInitiator.Client)]
    [InlineData(DisconnectReason.WebSocketClose, "websocket-close", DisconnectInitiator.Client)]
    [InlineData(DisconnectReason.SocketError, "socket-error", DisconnectInitiator.Network)]
    [InlineData(DisconnectReason.KeepAliveTimeout, "keepalive-timeout", DisconnectInitiator.Broker)]
    [InlineData(DisconnectReason.ProtocolError, "protocol-error", DisconnectInitiator.Broker)]
    [InlineData(DisconnectReason.SessionTakenOver, "session-taken-over", DisconnectInitiator.Broker)]
    [InlineData(DisconnectReason.ServerShutdown, "server-shutdown", DisconnectInitiator.Broker)]
    public void Reasons_have_a_name_and_an_initiator(DisconnectReason reason, string name, DisconnectInitiator initiator)
    {
        Assert.Equal(name, DisconnectReasons.Name(reason));
        Assert.Equal(initiator, DisconnectReasons.Initiator(reason));
    }

    [Fact]
    public async Task Transport_report_replaces_socket_closed_and_hears_why_the_broker_closes()
    {
        await using var harness = new BrokerHarness();

        // The transport saw a close frame: the ending is counted as that, not as "socket closed".
        var reporter = new FakeCloseFeature { InputEnded = new TransportCloseReport(DisconnectReason.WebSocketClose, "close frame 1001") };
        var client = Open(harness, reporter);
        await client.SendAsync(new ConnectPacket { ClientId = "ws", ProtocolVersion = ProtocolVersion.V311 });
        await client.ReceiveAsync<ConnAckPacket>();
        await client.CloseAsync();
        await client.BrokerSide;
        Assert.Equal(1, harness.Broker.Statistics.Disconnects(DisconnectReason.WebSocketClose));
        Assert.Equal(0, harness.Broker.Statistics.Disconnects(DisconnectReason.SocketClosed));

        // The broker closes: the transport is told why, once.
        var told = new FakeCloseFeature();
        var silent = Open(harness, told);
        await silent.SendAsync(new ConnectPacket { ClientId = "ws2", ProtocolVersion = ProtocolVersion.V311, KeepAliveSeconds = 1 });
        await silent.ReceiveAsync<ConnAckPacket>();
        harness.Time.Advance(TimeSpan.FromSeconds(2));
        await silent.ReceiveUntilClosedAsync();
        Assert.Equal([DisconnectReason.KeepAliveTimeout], told.BrokerClosing);
    }

    private static TestClient Open(BrokerHarness harness, ITransportCloseFeature feature)
    {
        var transport = new InMemoryTransport();
        var info = new ConnectionInfo("ws-test", new IPEndPoint(IPAddress.Loopback, 50000), null, "9001/websockets") { CloseFeature = feature };
        return new TestClient(transport.ClientSide, harness.Broker.RunConnectionAsync(transport.BrokerSide, info, CancellationToken.None), ProtocolVersion.V311);
    }

    private sealed class FakeCloseFeature : ITransportCloseFeature
    {
        public TransportCloseReport? InputEnded { get; init; }

        public List<DisconnectReason> BrokerClosing { get; } = [];

        public void OnBrokerClosing(DisconnectReason reason) => BrokerClosing.Add(reason);
    }
}
