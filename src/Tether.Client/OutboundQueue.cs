namespace Tether.Client;

/// <summary>
/// Publishes not yet sent, in the order they were made. One consumer (the current connection's send loop) peeks
/// the head, sends it and removes it, so a message interrupted by a lost connection stays first in line.
/// </summary>
internal sealed class OutboundQueue
{
    private readonly Lock _gate = new();
    private readonly LinkedList<OutgoingPublish> _items = new();
    private TaskCompletionSource _added = NewSignal();
    private TaskCompletionSource _removed = NewSignal();

    public OutboundQueue(int limit) => Limit = Math.Max(1, limit);

    public int Limit { get; }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _items.Count;
            }
        }
    }

    /// <summary>Adds at the tail if there is room; false when the queue holds <see cref="Limit"/> items.</summary>
    public bool TryEnqueue(OutgoingPublish item)
    {
        TaskCompletionSource added;
        lock (_gate)
        {
            if (_items.Count >= Limit)
            {
                return false;
            }

            _items.AddLast(item);
            added = _added;
            _added = NewSignal();
        }

        added.TrySetResult();
        return true;
    }

    /// <summary>Adds at the tail, waiting for room.</summary>
    public async Task EnqueueAsync(OutgoingPublish item, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task removed;
            lock (_gate)
            {
                removed = _removed.Task;
            }

            if (TryEnqueue(item))
            {
                return;
            }

            await removed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The head, waiting until there is one.</summary>
    public async Task<OutgoingPublish> PeekAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task added;
            lock (_gate)
            {
                if (_items.First is { } first)
                {
                    return first.Value;
                }

                added = _added.Task;
            }

            await added.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Removes <paramref name="item"/> if it is still queued.</summary>
    public void Remove(OutgoingPublish item)
    {
        TaskCompletionSource removed;
        lock (_gate)
        {
            if (!_items.Remove(item))
            {
                return;
            }

            removed = _removed;
            _removed = NewSignal();
        }

        removed.TrySetResult();
    }

    /// <summary>Empties the queue and returns what it held.</summary>
    public List<OutgoingPublish> Drain()
    {
        TaskCompletionSource removed;
        List<OutgoingPublish> items;
        lock (_gate)
        {
            items = [.. _items];
            _items.Clear();
            removed = _removed;
            _removed = NewSignal();
        }

        removed.TrySetResult();
        return items;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
