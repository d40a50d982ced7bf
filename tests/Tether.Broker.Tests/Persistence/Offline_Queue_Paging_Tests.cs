using System.Text;
using Tether.Broker.Persistence;
using Tether.Broker.Tests.Support;
using Tether.Protocol;

namespace Tether.Broker.Tests.Persistence;

/// <summary>
/// A stored session keeps only a window of its queue in memory; the rest stays in the store and is read back, in
/// order, as the window drains. Windows here are 4 messages so that a handful of messages exercises the paging.
/// </summary>
public sealed class Offline_Queue_Paging_Tests
{
    private static readonly BrokerOptions SmallWindow = BrokerOptions.Default with { SysIntervalSeconds = 0, QueueMemoryMessages = 4, MaxInflightMessages = 2 };

    [Theory]
    [InlineData(QualityOfService.AtLeastOnce)]
    [InlineData(QualityOfService.ExactlyOnce)]
    public async Task A_session_with_more_than_the_window_reconnects_and_receives_everything_in_order(QualityOfService qos)
    {
        var store = new ManualCommitStore();
        await using var harness = new BrokerHarness(SmallWindow, store);
        await CreateOfflineSubscriberAsync(harness, "sub", qos);
        Publish(harness, 0, 20, qos);
        CommitAndSettle(store);

        // Only the window is held; the rest are sequence numbers.
        Assert.Equal(20, harness.Broker.FindSession("sub")!.QueuedCount);
        Assert.Equal(4, harness.Broker.FindSession("sub")!.QueuedInMemoryCount);

        var (client, _) = await harness.ConnectAsync(new ConnectPacket { ClientId = "sub", CleanSession = false });
        Assert.Equal(Numbers(0, 20), await ReceiveAllAsync(client, store, 20, qos));
        Assert.Equal(0, harness.Broker.FindSession("sub")!.QueuedCount);
        Assert.Empty(store.CommittedRows);
    }

    [Fact]
    public async Task Nothing_is_paged_out_before_its_commit()
    {
        var store = new ManualCommitStore();
        await using var harness = new BrokerHarness(SmallWindow, store);
        await CreateOfflineSubscriberAsync(harness, "sub", QualityOfService.AtLeastOnce);
        Publish(harness, 0, 10, QualityOfService.AtLeastOnce);

        // Not committed: everything beyond the window is still in memory.
        Assert.Equal(10, harness.Broker.FindSession("sub")!.QueuedInMemoryCount);
        CommitAndSettle(store);
        Assert.Equal(4, harness.Broker.FindSession("sub")!.QueuedInMemoryCount);

        var (client, _) = await harness.ConnectAsync(new ConnectPacket { ClientId = "sub", CleanSession = false });
        Assert.Equal(Numbers(0, 10), await ReceiveAllAsync(client, store, 10, QualityOfService.AtLeastOnce));
        Assert.Equal(store.ReadSequences.Distinct().Count(), store.ReadSequences.Count);
    }

    [Fact]
    public async Task Messages_published_while_a_page_is_being_read_stay_in_order()
    {
        var store = new ManualCommitStore();
        await using var harness = new BrokerHarness(SmallWindow, store);
        await CreateOfflineSubscriberAsync(harness, "sub", QualityOfService.AtLeastOnce);
        Publish(harness, 0, 12, QualityOfService.AtLeastOnce);
        CommitAndSettle(store);

        store.HoldReads = true;
        var (client, _) = await harness.ConnectAsync(new ConnectPacket { ClientId = "sub", CleanSession = false });
        var received = new List<int>();
        for (var i = 0; i < 2; i++)
        {
            received.Add(await ReceiveAndAckAsync(client));
        }

        await store.ReadHeldAsync().WaitAsync(TimeSpan.FromSeconds(10));

        // While the read is held, new messages arrive (some committed, some not) and must queue behind the paged ones.
        Publish(harness, 12, 15, QualityOfService.AtLeastOnce);
        CommitAndSettle(store);
        Publish(harness, 15, 18, QualityOfService.AtLeastOnce);
        store.ReleaseReads();

        received.AddRange(await ReceiveAllAsync(client, store, 16, QualityOfService.AtLeastOnce));
        Assert.Equal(Numbers(0, 18), received);
    }

    [Fact]
    public async Task The_queue_limit_counts_the_paged_out_messages()
    {
        var store = new ManualCommitStore();
        await using var harness = new BrokerHarness(SmallWindow with { MaxQueuedMessages = 10 }, store);
        await CreateOfflineSubscriberAsync(harness, "sub", QualityOfService.AtLeastOnce);
        Publish(harness, 0, 8, QualityOfService.AtLeastOnce);
        CommitAndSettle(store);
        Publish(harness, 8, 14, QualityOfService.AtLeastOnce);
        CommitAndSettle(store);

        Assert.Equal(10, harness.Broker.FindSession("sub")!.QueuedCount);
        Assert.Equal(4, harness.Broker.Statistics.MessagesDropped);
        var (client, _) = await harness.ConnectAsync(new ConnectPacket { ClientId = "sub", CleanSession = false });
        Assert.Equal(Numbers(0, 10), await ReceiveAllAsync(client, store, 10, QualityOfService.AtLeastOnce));
    }

    [Fact]
    public async Task Paged_messages_whose_expiry_passed_are_dropped_when_read_back()
    {
        var store = new ManualCommitStore();
        await using var harness = new BrokerHarness(SmallWindow, store);
        await CreateOfflineSubscriberAsync(harness, "sub", QualityOfService.AtLeastOnce);
        var now = harness.Time.GetUtcNow();
        for (var i = 0; i < 10; i++)
        {
            // Odd messages expire in a minute, even ones never.
            harness.Broker.Publish(ApplicationMessage.Create("t", Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), QualityOfService.AtLeastOnce, false,
                i % 2 == 1 ? now.AddMinutes(1) : null));
        }

        CommitAndSettle(store);
        harness.Time.Advance(TimeSpan.FromMinutes(2));

        var (client, _) = await harness.ConnectAsync(new ConnectPacket { ClientId = "sub", CleanSession = false });
        Assert.Equal([0, 2, 4, 6, 8], await ReceiveAllAsync(client, store, 5, QualityOfService.AtLeastOnce));
        await client.AssertNothingPendingAsync();
        store.CommitAll();
        Assert.Empty(store.CommittedRows);
    }

    [Fact]
    public async Task A_restored_queue_larger_than_the_window_keeps_only_the_window_and_delivers_everything_in_order()
    {
        var session = new StoredSession("sub", ProtocolVersion.V311, uint.MaxValue, new DateTimeOffset(2025, 12, 31, 0, 0, 0, TimeSpan.Zero), null,
            [new StoredSubscription("t", QualityOfService.ExactlyOnce, false, false, RetainHandling.SendAtSubscribe, 0)], null);
        var rows = new List<StoredSessionDelivery>();
        for (var i = 0; i < 15; i++)
        {
            rows.Add(new StoredSessionDelivery("sub", new StoredDelivery(100 + i,
                new StoredMessage("t", Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), QualityOfService.ExactlyOnce, false, ReadOnlyMemory<byte>.Empty, null, "pub"),
                QualityOfService.ExactlyOnce, false, null, 0, DeliveryState.Queued)));
        }

        var store = new ManualCommitStore(new StoredState([], [new StoredSessionState(session, [], [])]), rows);
        await using var harness = new BrokerHarness(SmallWindow, store);
        await harness.Broker.RestoreAsync(CancellationToken.None);
        Assert.Equal(15, harness.Broker.FindSession("sub")!.QueuedCount);
        Assert.Equal(4, harness.Broker.FindSession("sub")!.QueuedInMemoryCount);

        var (client, _) = await harness.ConnectAsync(new ConnectPacket { ClientId = "sub", CleanSession = false });
        Assert.Equal(Numbers(0, 15), await ReceiveAllAsync(client, store, 15, QualityOfService.ExactlyOnce));
    }

    /// <summary>
    /// Commits, then commits the changes the first commit's notices led to: a session keeps one commit notice
    /// outstanding, so the messages queued after its request are covered by the next one.
    /// </summary>
    private static void CommitAndSettle(ManualCommitStore store)
    {
        store.CommitAll();
        store.CommitAll();
    }

    private static void Publish(BrokerHarness harness, int from, int to, QualityOfService qos)
    {
        for (var i = from; i < to; i++)
        {
            harness.Broker.PublishFromBroker("t", Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), qos, retain: false);
        }
    }

    private static List<int> Numbers(int from, int to) => [.. Enumerable.Range(from, to - from)];

    /// <summary>Receives <paramref name="count"/> messages, acknowledging each (PUBREC and PUBCOMP for QoS 2) as it comes.</summary>
    private static async Task<List<int>> ReceiveAllAsync(TestClient client, ManualCommitStore store, int count, QualityOfService qos)
    {
        var received = new List<int>(count);
        var releasesDue = 0;
        while (received.Count < count || releasesDue > 0)
        {
            switch (await client.ReceiveAsync())
            {
                case PublishPacket publish:
                    Assert.Equal(qos, publish.QoS);
                    received.Add(int.Parse(publish.PayloadText(), System.Globalization.CultureInfo.InvariantCulture));
                    await client.SendAsync(new AckPacket(qos == QualityOfService.ExactlyOnce ? PacketType.PubRec : PacketType.PubAck) { PacketId = publish.PacketId });
                    releasesDue += qos == QualityOfService.ExactlyOnce ? 1 : 0;
                    break;
                case AckPacket { Type: PacketType.PubRel } release:
                    await client.SendAsync(new AckPacket(PacketType.PubComp) { PacketId = release.PacketId });
                    releasesDue--;
                    break;
                case var other:
                    throw new InvalidOperationException("Unexpected " + other.Type);
            }
        }

        // Once the last acknowledgement is handled (PINGRESP follows it), commit what the acknowledgements changed.
        await client.AssertNothingPendingAsync();
        store.CommitAll();
        return received;
    }

    private static async Task<int> ReceiveAndAckAsync(TestClient client)
    {
        var publish = await client.ReceiveAsync<PublishPacket>();
        await client.SendAsync(new AckPacket(PacketType.PubAck) { PacketId = publish.PacketId });
        return int.Parse(publish.PayloadText(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task CreateOfflineSubscriberAsync(BrokerHarness harness, string clientId, QualityOfService qos)
    {
        var (subscriber, _) = await harness.ConnectAsync(new ConnectPacket { ClientId = clientId, CleanSession = false });
        await subscriber.SendAsync(Packets.Subscribe(1, "t", qos));
        var store = (ManualCommitStore)harness.Broker.Store;
        await store.ListenerWaitingAsync().WaitAsync(TimeSpan.FromSeconds(10));
        store.CommitAll();
        await subscriber.ReceiveAsync<SubAckPacket>();
        await subscriber.SendAsync(new DisconnectPacket());
        await subscriber.ReceiveUntilClosedAsync();
    }
}
