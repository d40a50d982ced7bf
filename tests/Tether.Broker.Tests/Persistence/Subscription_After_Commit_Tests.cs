using Tether.Broker.Persistence;
using Tether.Broker.Tests.Support;
using Tether.Protocol;

namespace Tether.Broker.Tests.Persistence;

/// <summary>
/// With a durable store, a SUBACK or UNSUBACK for a session that outlives its connection goes out only after the
/// changed subscriptions are committed: a subscription acknowledged is a subscription kept after a crash.
/// </summary>
public sealed class Subscription_After_Commit_Tests
{
    [Theory]
    [InlineData(ProtocolVersion.V311)]
    [InlineData(ProtocolVersion.V500)]
    public async Task Suback_for_a_persistent_session_waits_for_the_commit_and_still_precedes_the_retained_message(ProtocolVersion version)
    {
        var store = new ManualCommitStore();
        await using var harness = new BrokerHarness(store: store);
        var publisher = await harness.ConnectAsync("pub");
        await publisher.SendAsync(Packets.Publish("plant/1", "on", QualityOfService.AtMostOnce, retain: true));
        await publisher.AssertNothingPendingAsync();
        var subscriber = await ConnectPersistentAsync(harness, "sub", version);

        await subscriber.SendAsync(Packets.Subscribe(1, "plant/#", QualityOfService.AtLeastOnce));

        // The SUBACK is waiting on a commit (without one nobody would be waiting), with the subscription submitted.
        await store.ListenerWaitingAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains(store.Submitted, c => c is SessionSaved { Session.ClientId: "sub" } saved && saved.Session.Subscriptions.Any(s => s.Filter == "plant/#"));

        store.CommitAll();

        Assert.Equal(1, (await subscriber.ReceiveAsync<SubAckPacket>()).PacketId);
        var retained = await subscriber.ReceiveAsync<PublishPacket>();
        Assert.Equal(("plant/1", "on"), (retained.Topic.ToString(), retained.PayloadText()));
        Assert.Contains(store.Committed, c => c is SessionSaved { Session.ClientId: "sub" } saved && saved.Session.Subscriptions.Any(s => s.Filter == "plant/#"));
    }

    [Fact]
    public async Task Unsuback_for_a_persistent_session_waits_for_the_commit()
    {
        var store = new ManualCommitStore();
        await using var harness = new BrokerHarness(store: store);
        var subscriber = await ConnectPersistentAsync(harness, "sub", ProtocolVersion.V311);
        await subscriber.SendAsync(Packets.Subscribe(1, "t", QualityOfService.AtLeastOnce));
        await store.ListenerWaitingAsync().WaitAsync(TimeSpan.FromSeconds(10));
        store.CommitAll();
        await subscriber.ReceiveAsync<SubAckPacket>();

        await subscriber.SendAsync(new UnsubscribePacket { PacketId = 2, Filters = { "t" } });
        await store.ListenerWaitingAsync().WaitAsync(TimeSpan.FromSeconds(10));
        store.CommitAll();

        Assert.Equal(2, (await subscriber.ReceiveAsync<UnsubAckPacket>()).PacketId);
        Assert.Contains(store.Committed, c => c is SessionSaved { Session.ClientId: "sub", Session.Subscriptions.Count: 0 });
    }

    [Fact]
    public async Task Suback_for_a_clean_session_does_not_wait_for_the_store()
    {
        var store = new ManualCommitStore();
        await using var harness = new BrokerHarness(store: store);
        var subscriber = await harness.ConnectAsync("clean", clean: true);

        await subscriber.SendAsync(Packets.Subscribe(1, "t", QualityOfService.AtLeastOnce));

        Assert.Equal(1, (await subscriber.ReceiveAsync<SubAckPacket>()).PacketId);
        Assert.Empty(store.Submitted);
    }

    private static async Task<TestClient> ConnectPersistentAsync(BrokerHarness harness, string clientId, ProtocolVersion version)
    {
        var connect = new ConnectPacket { ClientId = clientId, ProtocolVersion = version, CleanSession = false };
        if (version == ProtocolVersion.V500)
        {
            connect.Properties.SessionExpiryInterval = 3600;
        }

        var (client, _) = await harness.ConnectAsync(connect);
        return client;
    }
}
