using Tether.Broker.Persistence;
using Tether.Protocol;

namespace Tether.Persistence.Tests;

/// <summary>Every kind of change, committed and read back after the store is closed and opened again.</summary>
public class Store_Change_Tests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Retained_messages_are_set_replaced_and_cleared()
    {
        using var directory = new TempStoreDirectory();
        await using (var store = SqliteBrokerStore.Open(directory.StorePath))
        {
            store.Submit(new RetainedMessageSet(Message("a/1", "one", properties: [1, 2, 3], expiresAt: Now.AddHours(1))));
            store.Submit(new RetainedMessageSet(Message("a/2", "two")));
            store.Submit(new RetainedMessageSet(Message("a/2", "two again")));
            store.Submit(new RetainedMessageSet(Message("a/3", "three")));
            store.Submit(new RetainedMessageCleared("a/3"));
            await store.FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        }

        var state = await LoadAsync(directory.StorePath);

        var retained = state.Retained.OrderBy(m => m.Topic, StringComparer.Ordinal).ToList();
        Assert.Equal(["a/1", "a/2"], retained.Select(m => m.Topic));
        Assert.Equal("one"u8.ToArray(), retained[0].Payload.ToArray());
        Assert.Equal([1, 2, 3], retained[0].Properties.ToArray());
        Assert.Equal(Now.AddHours(1), retained[0].ExpiresAt);
        Assert.Equal("publisher", retained[0].PublisherClientId);
        Assert.Equal("two again"u8.ToArray(), retained[1].Payload.ToArray());
        Assert.True(retained[1].Retain);
    }

    [Fact]
    public async Task A_session_keeps_its_subscriptions_will_deliveries_and_incoming_qos2_ids()
    {
        using var directory = new TempStoreDirectory();
        var will = new StoredWill(Message("will/topic", "gone", qos: QualityOfService.AtLeastOnce), DelaySeconds: 30, ExpirySeconds: 60);
        var session = new StoredSession("c1", ProtocolVersion.V500, 3600, Now, "user",
            [new StoredSubscription("x/#", QualityOfService.ExactlyOnce, true, true, RetainHandling.DoNotSend, 42), new StoredSubscription("y", QualityOfService.AtMostOnce, false, false, RetainHandling.SendAtSubscribe, 0)],
            will);
        await using (var store = SqliteBrokerStore.Open(directory.StorePath))
        {
            store.Submit(new SessionSaved(session));
            store.Submit(new DeliveryQueued("c1", Delivery(1, "m1", packetId: 7, DeliveryState.Sent)));
            store.Submit(new DeliveryQueued("c1", Delivery(2, "m2", packetId: 8, DeliveryState.Sent, QualityOfService.ExactlyOnce)));
            store.Submit(new DeliveryQueued("c1", Delivery(3, "m3")));
            store.Submit(new DeliveryQueued("c1", Delivery(4, "m4")));
            store.Submit(new DeliveryReleased("c1", 2));
            store.Submit(new DeliverySent("c1", 3, 9));
            store.Submit(new DeliveryCompleted("c1", 1));
            store.Submit(new IncomingQoS2Added("c1", 100));
            store.Submit(new IncomingQoS2Added("c1", 101));
            store.Submit(new IncomingQoS2Released("c1", 100));
            await store.FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        }

        var (state, rows) = await LoadWithDeliveriesAsync(directory.StorePath);
        var restored = Assert.Single(state.Sessions);
        Assert.All(rows, row => Assert.Equal("c1", row.ClientId));
        var deliveries = rows.Select(row => row.Delivery).ToList();

        Assert.Equal(session.ClientId, restored.Session.ClientId);
        Assert.Equal(session.ProtocolVersion, restored.Session.ProtocolVersion);
        Assert.Equal(session.ExpiryIntervalSeconds, restored.Session.ExpiryIntervalSeconds);
        Assert.Equal(session.DisconnectedAt, restored.Session.DisconnectedAt);
        Assert.Equal("user", restored.Session.UserName);
        Assert.Equal(session.Subscriptions.OrderBy(s => s.Filter, StringComparer.Ordinal), restored.Session.Subscriptions.OrderBy(s => s.Filter, StringComparer.Ordinal));
        Assert.NotNull(restored.Session.Will);
        Assert.Equal("will/topic", restored.Session.Will.Message.Topic);
        Assert.Equal(30u, restored.Session.Will.DelaySeconds);
        Assert.Equal(60u, restored.Session.Will.ExpirySeconds);

        Assert.Equal([2L, 3L, 4L], deliveries.Select(d => d.Sequence));
        Assert.Equal(DeliveryState.Released, deliveries[0].State);
        Assert.Equal((ushort)8, deliveries[0].PacketId);
        Assert.Equal(DeliveryState.Sent, deliveries[1].State);
        Assert.Equal((ushort)9, deliveries[1].PacketId);
        Assert.Equal(DeliveryState.Queued, deliveries[2].State);
        Assert.Equal([5u, 6u], deliveries[2].SubscriptionIdentifiers!);
        Assert.Equal("m4"u8.ToArray(), deliveries[2].Message.Payload.ToArray());
        Assert.Equal([(ushort)101], restored.IncomingQoS2);
    }

    [Fact]
    public async Task Removing_a_session_removes_its_subscriptions_and_deliveries()
    {
        using var directory = new TempStoreDirectory();
        await using (var store = SqliteBrokerStore.Open(directory.StorePath))
        {
            store.Submit(new SessionSaved(new StoredSession("gone", ProtocolVersion.V311, uint.MaxValue, null, null, [new StoredSubscription("a", QualityOfService.AtLeastOnce, false, false, RetainHandling.SendAtSubscribe, 0)], null)));
            store.Submit(new SessionSaved(new StoredSession("kept", ProtocolVersion.V311, uint.MaxValue, null, null, [], null)));
            store.Submit(new DeliveryQueued("gone", Delivery(1, "m")));
            store.Submit(new IncomingQoS2Added("gone", 1));
            store.Submit(new SessionRemoved("gone", [1L]));
            await store.FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        }

        var (state, rows) = await LoadWithDeliveriesAsync(directory.StorePath);
        var restored = Assert.Single(state.Sessions);
        Assert.Equal("kept", restored.Session.ClientId);
        Assert.Empty(rows);
    }

    [Fact]
    public async Task Listeners_are_told_in_submission_order_after_their_changes_are_committed()
    {
        using var directory = new TempStoreDirectory();
        var listener = new RecordingListener(directory.StorePath, expected: 300);
        await using (var store = SqliteBrokerStore.Open(directory.StorePath))
        {
            for (var i = 0; i < 300; i++)
            {
                store.Submit(new RetainedMessageSet(Message("t/" + i, "p")));
                store.WhenCommitted(listener, i);
            }

            await listener.AllCalled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }

        Assert.Equal(Enumerable.Range(0, 300).Select(i => (long)i), listener.Tokens);

        // Each listener saw its own message committed (visible to another connection) when it was called.
        Assert.All(listener.CommittedCountWhenCalled.Select((count, i) => (count, i)), x => Assert.True(x.count >= x.i + 1));
    }

    [Fact]
    public async Task A_failed_write_is_reported_once_and_nothing_after_it_is_acknowledged()
    {
        using var directory = new TempStoreDirectory();
        var listener = new RecordingListener(directory.StorePath, expected: 1);
        await using var store = SqliteBrokerStore.Open(directory.StorePath);
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder { DataSource = directory.StorePath, Pooling = false }.ToString()))
        {
            // Every retained write now fails inside the writer's transaction, as a full disk would make it fail.
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TRIGGER fail_writes BEFORE INSERT ON retained BEGIN SELECT RAISE(FAIL, 'disk full (test)'); END;";
            command.ExecuteNonQuery();
        }

        store.Submit(new RetainedMessageSet(Message("a", "lost")));
        store.WhenCommitted(listener, 1);

        var failure = await store.WriteFailed.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains(directory.StorePath, failure.Message, StringComparison.Ordinal);
        Assert.Contains("disk full (test)", failure.Message, StringComparison.Ordinal);
        Assert.Same(failure, store.Failure);
        await Assert.ThrowsAsync<BrokerStoreException>(() => store.FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Empty(listener.Tokens);
    }

    private static async Task<StoredState> LoadAsync(string path)
    {
        await using var store = SqliteBrokerStore.Open(path);
        return await store.LoadAsync(CancellationToken.None);
    }

    private static async Task<(StoredState State, List<StoredSessionDelivery> Deliveries)> LoadWithDeliveriesAsync(string path)
    {
        await using var store = SqliteBrokerStore.Open(path);
        var state = await store.LoadAsync(CancellationToken.None);
        return (state, store.ReadDeliveries(CancellationToken.None).ToList());
    }

    private static StoredMessage Message(string topic, string payload, QualityOfService qos = QualityOfService.AtLeastOnce, byte[]? properties = null, DateTimeOffset? expiresAt = null) =>
        new(topic, System.Text.Encoding.UTF8.GetBytes(payload), qos, true, properties ?? [], expiresAt, "publisher");

    private static StoredDelivery Delivery(long sequence, string payload, ushort packetId = 0, DeliveryState state = DeliveryState.Queued, QualityOfService qos = QualityOfService.AtLeastOnce) =>
        new(sequence, Message("q/" + sequence, payload) with { Retain = false }, qos, false, [5u, 6u], packetId, state);

    private sealed class RecordingListener(string path, int expected) : IStoreCommitListener
    {
        public List<long> Tokens { get; } = [];

        public List<long> CommittedCountWhenCalled { get; } = [];

        public TaskCompletionSource AllCalled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void OnCommitted(long token)
        {
            Tokens.Add(token);

            // Read through a separate connection: only committed rows are visible there.
            using var connection = new Microsoft.Data.Sqlite.SqliteConnection(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder { DataSource = path, Mode = Microsoft.Data.Sqlite.SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM retained";
            CommittedCountWhenCalled.Add((long)command.ExecuteScalar()!);
            if (Tokens.Count == expected)
            {
                AllCalled.TrySetResult();
            }
        }
    }
}
