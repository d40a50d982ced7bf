using Tether.Broker.Persistence;
using Tether.Broker.Tests.Support;
using Tether.Protocol;

namespace Tether.Broker.Tests.Persistence;

/// <summary>Start-up from a store: sessions, deliveries and wills come back; what expired while the broker was down goes.</summary>
public sealed class Restore_Tests
{
    // The harness clock starts at 2026-01-01 00:00 UTC.
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_restored_session_gets_its_in_flight_message_with_dup_then_its_queue_in_order()
    {
        var session = Session("sub", expiry: uint.MaxValue, disconnectedAt: Start.AddHours(-1), subscriptions: [new StoredSubscription("t/#", QualityOfService.AtLeastOnce, false, false, RetainHandling.SendAtSubscribe, 0)]);
        var store = new ManualCommitStore(new StoredState([], [new StoredSessionState(session,
            [Delivery(10, "in flight", packetId: 5, DeliveryState.Sent), Delivery(11, "queued 1"), Delivery(12, "queued 2")], [])]));
        await using var harness = new BrokerHarness(store: store);
        var (retained, sessions) = await harness.Broker.RestoreAsync(CancellationToken.None);
        Assert.Equal((0, 1), (retained, sessions));
        Assert.Equal(1, harness.Broker.SubscriptionCount);

        var (client, connAck) = await harness.ConnectAsync(new ConnectPacket { ClientId = "sub", CleanSession = false });
        Assert.True(connAck.SessionPresent);

        var resent = await client.ReceiveAsync<PublishPacket>();
        Assert.Equal(("in flight", (ushort)5, true), (resent.PayloadText(), resent.PacketId, resent.Dup));
        var first = await client.ReceiveAsync<PublishPacket>();
        var second = await client.ReceiveAsync<PublishPacket>();
        Assert.Equal(("queued 1", false), (first.PayloadText(), first.Dup));
        Assert.Equal("queued 2", second.PayloadText());
        Assert.NotEqual(5, first.PacketId);

        // Sending a queued message is recorded with its packet id, so a second crash would resend it too.
        Assert.Contains(store.Submitted, c => c is DeliverySent { Sequence: 11 } sent && sent.PacketId == first.PacketId);

        await client.SendAsync(new AckPacket(PacketType.PubAck) { PacketId = 5 });
        await client.AssertNothingPendingAsync();
        Assert.Contains(store.Submitted, c => c is DeliveryCompleted { ClientId: "sub", Sequence: 10 });
    }

    [Fact]
    public async Task A_session_whose_expiry_passed_while_the_broker_was_down_is_removed_and_its_will_published()
    {
        var will = new StoredWill(new StoredMessage("wills/gone", "bye"u8.ToArray(), QualityOfService.AtMostOnce, false, ReadOnlyMemory<byte>.Empty, null, "gone"), 0, null);
        var expired = Session("gone", expiry: 60, disconnectedAt: Start.AddMinutes(-2), will: will);
        var alive = Session("alive", expiry: 600, disconnectedAt: Start.AddMinutes(-2));
        var store = new ManualCommitStore(new StoredState([], [new StoredSessionState(expired, [Delivery(1, "lost")], []), new StoredSessionState(alive, [], [])]));
        await using var harness = new BrokerHarness(store: store);
        var watcher = await harness.ConnectAsync("watcher");
        await watcher.SendAsync(Packets.Subscribe(1, "wills/#"));
        await watcher.ReceiveAsync<SubAckPacket>();

        var (_, sessions) = await harness.Broker.RestoreAsync(CancellationToken.None);

        Assert.Equal(1, sessions);
        Assert.Contains(store.Submitted, c => c is SessionRemoved { ClientId: "gone" } removed && removed.DeliverySequences.SequenceEqual([1L]));
        Assert.Equal("bye", (await watcher.ReceiveAsync<PublishPacket>()).PayloadText());
    }

    [Fact]
    public async Task The_will_of_a_client_connected_when_the_broker_died_follows_its_delay_from_the_restart()
    {
        var will = new StoredWill(new StoredMessage("wills/late", "late"u8.ToArray(), QualityOfService.AtMostOnce, false, ReadOnlyMemory<byte>.Empty, null, "c"), 30, null);
        var store = new ManualCommitStore(new StoredState([], [new StoredSessionState(Session("c", expiry: 3600, disconnectedAt: null, will: will), [], [])]));
        await using var harness = new BrokerHarness(store: store);
        var watcher = await harness.ConnectAsync("watcher");
        await watcher.SendAsync(Packets.Subscribe(1, "wills/#"));
        await watcher.ReceiveAsync<SubAckPacket>();
        await harness.Broker.RestoreAsync(CancellationToken.None);

        harness.Time.Advance(TimeSpan.FromSeconds(29));
        await watcher.AssertNothingPendingAsync();
        harness.Time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal("late", (await watcher.ReceiveAsync<PublishPacket>()).PayloadText());
    }

    [Fact]
    public async Task Streamed_deliveries_join_their_session_in_order_and_those_of_an_expired_session_are_removed()
    {
        var kept = Session("kept", expiry: uint.MaxValue, disconnectedAt: Start.AddHours(-1), subscriptions: [new StoredSubscription("t/#", QualityOfService.AtLeastOnce, false, false, RetainHandling.SendAtSubscribe, 0)]);
        var expired = Session("gone", expiry: 60, disconnectedAt: Start.AddHours(-1));
        var store = new ManualCommitStore(
            new StoredState([], [new StoredSessionState(kept, [], []), new StoredSessionState(expired, [], [])]),
            [new StoredSessionDelivery("kept", Delivery(20, "first")), new StoredSessionDelivery("gone", Delivery(21, "lost")), new StoredSessionDelivery("kept", Delivery(22, "second"))]);
        await using var harness = new BrokerHarness(store: store);

        var (_, sessions) = await harness.Broker.RestoreAsync(CancellationToken.None);

        Assert.Equal(1, sessions);
        Assert.Contains(store.Submitted, c => c is DeliveryCompleted { ClientId: "gone", Sequence: 21 });
        Assert.DoesNotContain(store.Submitted, c => c is DeliveryCompleted { ClientId: "kept" });
        var (client, _) = await harness.ConnectAsync(new ConnectPacket { ClientId = "kept", CleanSession = false });
        Assert.Equal("first", (await client.ReceiveAsync<PublishPacket>()).PayloadText());
        Assert.Equal("second", (await client.ReceiveAsync<PublishPacket>()).PayloadText());

        // Later deliveries are numbered above every stored one, the removed session's included.
        Assert.True(harness.Broker.NextDeliverySequence() > 22);
    }

    private static StoredSession Session(string clientId, uint expiry, DateTimeOffset? disconnectedAt, IReadOnlyList<StoredSubscription>? subscriptions = null, StoredWill? will = null) =>
        new(clientId, ProtocolVersion.V311, expiry, disconnectedAt, null, subscriptions ?? [], will);

    private static StoredDelivery Delivery(long sequence, string payload, ushort packetId = 0, DeliveryState state = DeliveryState.Queued) =>
        new(sequence, new StoredMessage("t/" + sequence, System.Text.Encoding.UTF8.GetBytes(payload), QualityOfService.AtLeastOnce, false, ReadOnlyMemory<byte>.Empty, null, "pub"),
            QualityOfService.AtLeastOnce, false, null, packetId, state);
}
