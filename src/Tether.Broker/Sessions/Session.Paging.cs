using Tether.Broker.Persistence;

namespace Tether.Broker;

/// <summary>Offline queue paging: only the head of a stored session's queue is held in memory.</summary>
/// <remarks>
/// <para>
/// A stored session's queue has three parts, oldest first: the window (<c>_pending</c>, at most
/// <see cref="BrokerOptions.QueueMemoryMessages"/> messages or <see cref="BrokerOptions.QueueMemoryBytes"/> bytes),
/// the paged part (<c>_paged</c>, only sequence numbers and sizes; the messages are in the store), and the
/// unconfirmed tail (<c>_unconfirmed</c>, messages beyond the window whose <see cref="DeliveryQueued"/> may still be in
/// the store's pending batch). A message leaves memory only once its commit is reported, so a page-in never asks for
/// a row the store has not committed; until then it waits in the tail, in memory.
/// </para>
/// <para>
/// When the window falls to half, the oldest paged sequences are read back by primary key on the store's reader
/// (never the writer, never on the publish path); the drain goes on when the rows arrive. While a read runs its
/// sequences stay at the head of <c>_paged</c>, so everything that arrives meanwhile queues behind them and the
/// order holds. One read and one commit notice at a time per session.
/// </para>
/// </remarks>
internal sealed partial class Session : IStoreCommitListener
{
    private PagedDeliveries? _paged;
    private Queue<QueuedDelivery>? _unconfirmed;
    private long _unconfirmedBytes;
    private bool _commitNoticeRequested;
    private bool _pageInRunning;

    // Bumped when the queue is dropped, so that a read answered after that is ignored.
    private int _pageGeneration;

    /// <summary>Messages queued in all three parts (not in flight).</summary>
    private int QueueLength => (_pending?.Count ?? 0) + (_paged?.Count ?? 0) + (_unconfirmed?.Count ?? 0);

    /// <summary>Payload bytes queued in all three parts.</summary>
    private long QueueBytes => _pendingBytes + (_paged?.Bytes ?? 0) + _unconfirmedBytes;

    /// <summary>Whether anything is queued beyond the window: a new message must then go behind it.</summary>
    private bool HasQueueBeyondWindow => _paged is { Count: > 0 } || _unconfirmed is { Count: > 0 };

    /// <summary>Whether the window is bounded: the session's deliveries are in a store that reads them back.</summary>
    private bool PagesToStore => IsStored && _broker.PagesQueues;

    /// <summary>Queued messages held in memory (the window and the unconfirmed tail), the rest being paged out.</summary>
    public int QueuedInMemoryCount
    {
        get
        {
            lock (Gate)
            {
                return (_pending?.Count ?? 0) + (_unconfirmed?.Count ?? 0);
            }
        }
    }

    /// <summary>The store committed what was submitted up to the delivery numbered <paramref name="token"/>.</summary>
    public void OnCommitted(long token)
    {
        lock (Gate)
        {
            _commitNoticeRequested = false;
            if (IsEnded || _unconfirmed is null)
            {
                return;
            }

            while (_unconfirmed.TryPeek(out var next) && next.Sequence <= token)
            {
                // A message queued while the session was not stored has no row: it, and so everything after it,
                // stays in memory until the window takes it.
                if (!next.Stored)
                {
                    break;
                }

                _unconfirmed.Dequeue();
                _unconfirmedBytes -= next.Message.Payload.Length;
                if (_paged is not { Count: > 0 } && WindowHasRoom(next.Message.Payload.Length))
                {
                    AddToWindow(next);
                }
                else
                {
                    (_paged ??= new()).Enqueue(next.Sequence, next.Message.Payload.Length);
                    next.Message.Release();
                }
            }

            if (_unconfirmed.TryPeek(out var later) && later.Sequence > token && later.Stored)
            {
                RequestCommitNotice();
            }

            PumpPending();
        }
    }

    /// <summary>Whether a message of <paramref name="size"/> bytes fits in the window; an empty window takes anything.</summary>
    private bool WindowHasRoom(int size)
    {
        var count = _pending?.Count ?? 0;
        var options = _broker.Options;
        return count == 0 || (count < options.QueueMemoryMessages && _pendingBytes + size <= options.QueueMemoryBytes);
    }

    private void AddToWindow(in QueuedDelivery delivery)
    {
        (_pending ??= new()).Enqueue(delivery);
        _pendingBytes += delivery.Message.Payload.Length;
    }

    /// <summary>Queues a delivery whose reference the caller has taken, in the window or behind it.</summary>
    private void Place(in QueuedDelivery delivery)
    {
        var size = delivery.Message.Payload.Length;
        if (!HasQueueBeyondWindow && (!PagesToStore || WindowHasRoom(size)))
        {
            AddToWindow(delivery);
            return;
        }

        (_unconfirmed ??= new()).Enqueue(delivery with { Stored = IsStored });
        _unconfirmedBytes += size;
        if (IsStored && !_commitNoticeRequested)
        {
            RequestCommitNotice();
        }
    }

    private void RequestCommitNotice()
    {
        _commitNoticeRequested = true;

        // Everything this session submitted so far is covered, the tail's newest delivery included.
        _broker.Store.WhenCommitted(this, _unconfirmed!.Last().Sequence);
    }

    /// <summary>
    /// Moves messages behind the window into it: from the unconfirmed tail at once when nothing is paged, otherwise by
    /// starting a read of the paged head once the window is down to half. Returns whether the window gained messages now.
    /// </summary>
    private bool RefillWindow()
    {
        if (_pageInRunning)
        {
            return false;
        }

        if (_paged is { Count: > 0 })
        {
            var options = _broker.Options;
            if (Connection is not null
                && (_pending?.Count ?? 0) <= options.QueueMemoryMessages / 2
                && _pendingBytes <= options.QueueMemoryBytes / 2)
            {
                StartPageIn();
            }

            return false;
        }

        var moved = false;
        while (_unconfirmed is not null && _unconfirmed.TryPeek(out var next) && (!PagesToStore || WindowHasRoom(next.Message.Payload.Length)))
        {
            _unconfirmed.Dequeue();
            _unconfirmedBytes -= next.Message.Payload.Length;
            AddToWindow(next);
            moved = true;
        }

        return moved;
    }

    private void StartPageIn()
    {
        var paged = _paged!;
        var options = _broker.Options;
        var room = Math.Max(1, options.QueueMemoryMessages - (_pending?.Count ?? 0));
        var bytes = _pendingBytes;
        var count = 0;
        while (count < paged.Count && count < room && (count == 0 || bytes + paged.SizeAt(count) <= options.QueueMemoryBytes))
        {
            bytes += paged.SizeAt(count);
            count++;
        }

        var sequences = new long[count];
        for (var i = 0; i < count; i++)
        {
            sequences[i] = paged.SequenceAt(i);
        }

        _pageInRunning = true;
        _ = PageInAsync(sequences, _pageGeneration);
    }

    private async Task PageInAsync(long[] sequences, int generation)
    {
        IReadOnlyList<StoredDelivery> rows;
        try
        {
            // Forced to yield: the answer is handled outside the caller's hold of the gate, whatever the store does.
            rows = await _broker.Store.ReadQueuedDeliveriesAsync(sequences, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        }
        catch (Exception e)
        {
            lock (Gate)
            {
                if (generation == _pageGeneration)
                {
                    // The messages stay paged; the next acknowledgement or reconnect tries again.
                    _pageInRunning = false;
                }
            }

            // A read abandoned because the store is closing is not a failure worth a line.
            if (e is not (OperationCanceledException or ObjectDisposedException))
            {
                BrokerLog.PageInFailed(_broker.Logger, ClientId, sequences.Length, e);
            }

            return;
        }

        lock (Gate)
        {
            if (IsEnded || generation != _pageGeneration)
            {
                return;
            }

            _pageInRunning = false;
            AddPagedIn(sequences, rows);
            PumpPending();
        }
    }

    /// <summary>Takes the rows read for the paged head into the window, dropping those whose message expired. Caller holds <see cref="Gate"/>.</summary>
    private void AddPagedIn(long[] sequences, IReadOnlyList<StoredDelivery> rows)
    {
        var paged = _paged!;
        var now = _broker.Time.GetUtcNow();
        var cache = new RestoredMessageCache();
        var row = 0;
        foreach (var sequence in sequences)
        {
            // Nothing but this method removes from the paged head while a read runs.
            paged.Dequeue();
            while (row < rows.Count && rows[row].Sequence < sequence)
            {
                row++;
            }

            if (row == rows.Count || rows[row].Sequence != sequence)
            {
                // The row is gone (nothing removes it while it is paged, so this is not expected): nothing to send.
                continue;
            }

            var stored = rows[row++];
            if (stored.Message.ExpiresAt is { } expiresAt && now >= expiresAt)
            {
                RemoveRow(sequence);
                continue;
            }

            var message = StoredMessageCodec.FromStored(stored.Message, cache);
            uint[]? identifiers = stored.SubscriptionIdentifiers is { Count: > 0 } ids ? [.. ids] : null;
            AddToWindow(new QueuedDelivery(message, stored.QoS, stored.Retain, identifiers, sequence));
            if (!IsStored)
            {
                // The session stopped being stored while this row was paged: from now on it lives in memory only.
                RemoveRow(sequence);
            }
        }
    }

    /// <summary>Removes a paged row from the store, whether or not the session is still stored.</summary>
    private void RemoveRow(long sequence) => _broker.SubmitChange(new DeliveryCompleted(ClientId, sequence));

    /// <summary>Restore: one queued delivery read from the store, in sequence order, into the window or paged.</summary>
    private void RestoreQueued(StoredDelivery stored, RestoredMessageCache cache)
    {
        var size = stored.Message.Payload.Length;
        if (HasQueueBeyondWindow || (PagesToStore && !WindowHasRoom(size)))
        {
            // Paged at once: the row is in the store, so only its number and size are kept.
            (_paged ??= new()).Enqueue(stored.Sequence, size);
            return;
        }

        var message = StoredMessageCodec.FromStored(stored.Message, cache);
        uint[]? identifiers = stored.SubscriptionIdentifiers is { Count: > 0 } ids ? [.. ids] : null;
        AddToWindow(new QueuedDelivery(message, stored.QoS, stored.Retain, identifiers, stored.Sequence));
    }

    /// <summary>Drops the parts behind the window, releasing the tail's references. Caller holds <see cref="Gate"/>.</summary>
    private void DropBeyondWindow()
    {
        while (_unconfirmed is not null && _unconfirmed.TryDequeue(out var queued))
        {
            queued.Message.Release();
        }

        _unconfirmedBytes = 0;
        _paged?.Clear();
        _pageInRunning = false;
        _pageGeneration++;
    }

    /// <summary>
    /// The session stops being stored but lives on: its rows are removed except the paged ones, which are still needed
    /// to read those messages back (each is removed as it is read). Caller holds <see cref="Gate"/>.
    /// </summary>
    public long[] SequencesToRemoveWhenNoLongerStored()
    {
        var sequences = new List<long>((_pending?.Count ?? 0) + (_inflight?.Count ?? 0) + (_unconfirmed?.Count ?? 0));
        AddInMemorySequences(sequences);
        return [.. sequences];
    }

    private void AddInMemorySequences(List<long> sequences)
    {
        if (_pending is not null)
        {
            foreach (var queued in _pending)
            {
                sequences.Add(queued.Sequence);
            }
        }

        if (_inflight is not null)
        {
            foreach (var inflight in _inflight.Values)
            {
                sequences.Add(inflight.Sequence);
            }
        }

        if (_unconfirmed is not null)
        {
            foreach (var queued in _unconfirmed)
            {
                if (queued.Stored)
                {
                    sequences.Add(queued.Sequence);
                }
            }
        }
    }
}
