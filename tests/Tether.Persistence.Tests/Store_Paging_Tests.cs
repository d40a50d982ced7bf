using System.Text;
using Tether.Broker.Persistence;
using Tether.Protocol;

namespace Tether.Persistence.Tests;

/// <summary>Queued deliveries read back by sequence number, for sessions whose queue is paged out.</summary>
public class Store_Paging_Tests
{
    [Fact]
    public async Task Deliveries_are_read_back_by_sequence_in_order_across_reads_of_more_than_one_statement()
    {
        using var directory = new TempStoreDirectory();
        await using var store = SqliteBrokerStore.Open(directory.StorePath);
        store.Submit(new SessionSaved(Session("a")));
        store.Submit(new SessionSaved(Session("b")));

        // Two sessions' rows interleaved, as one broker-wide sequence numbers them.
        for (var sequence = 1L; sequence <= 600; sequence++)
        {
            store.Submit(new DeliveryQueued(sequence % 2 == 0 ? "a" : "b", Delivery(sequence, "m" + sequence)));
        }

        store.Submit(new DeliveryCompleted("a", 10));
        await store.FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        long[] wanted = [.. Enumerable.Range(1, 300).Select(static i => (long)i * 2)];
        var rows = await store.ReadQueuedDeliveriesAsync(wanted, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        // The completed row is left out; the others come in order with their content.
        Assert.Equal(wanted.Where(static s => s != 10), rows.Select(static r => r.Sequence));
        Assert.All(rows, static r => Assert.Equal("m" + r.Sequence, Encoding.UTF8.GetString(r.Message.Payload.Span)));
        Assert.Equal(QualityOfService.AtLeastOnce, rows[0].QoS);
        Assert.Equal([7u], rows[0].SubscriptionIdentifiers);
    }

    [Fact]
    public async Task A_read_sees_only_committed_rows_and_works_after_a_restart()
    {
        using var directory = new TempStoreDirectory();
        await using (var store = SqliteBrokerStore.Open(directory.StorePath))
        {
            store.Submit(new SessionSaved(Session("a")));
            store.Submit(new DeliveryQueued("a", Delivery(1, "one")));
            await store.FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            var rows = await store.ReadQueuedDeliveriesAsync([1, 2], CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal([1L], rows.Select(static r => r.Sequence));
            store.Submit(new DeliveryQueued("a", Delivery(2, "two")));
        }

        await using var reopened = SqliteBrokerStore.Open(directory.StorePath);
        await reopened.LoadAsync(CancellationToken.None);
        var after = await reopened.ReadQueuedDeliveriesAsync([1, 2], CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["one", "two"], after.Select(static r => Encoding.UTF8.GetString(r.Message.Payload.Span)));
    }

    [Fact]
    public async Task A_read_asked_after_the_store_closed_fails_instead_of_waiting()
    {
        using var directory = new TempStoreDirectory();
        var store = SqliteBrokerStore.Open(directory.StorePath);
        await store.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.ReadQueuedDeliveriesAsync([1], CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
    }

    private static StoredSession Session(string clientId) => new(clientId, ProtocolVersion.V500, 3600, null, null, [], null);

    private static StoredDelivery Delivery(long sequence, string payload) =>
        new(sequence, new StoredMessage("t", Encoding.UTF8.GetBytes(payload), QualityOfService.AtLeastOnce, false, ReadOnlyMemory<byte>.Empty, null, "pub"),
            QualityOfService.AtLeastOnce, false, [7u], 0, DeliveryState.Queued);
}
