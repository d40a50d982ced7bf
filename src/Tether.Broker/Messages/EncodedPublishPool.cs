namespace Tether.Broker;

/// <summary>
/// Reusable <see cref="EncodedPublish"/> objects, one pool per broker, lock-free and bounded like
/// <see cref="MessagePool"/> (encodings are built on subscribers' writers and returned wherever the message's last
/// reference goes). Its counters let tests see that one encoding served many receivers.
/// </summary>
internal sealed class EncodedPublishPool
{
    /// <summary>How many free encodings are kept: as many as free messages, since each holds at most one per family in use.</summary>
    private const int MaxFree = MessagePool.MaxFree;

    private readonly BoundedFreeList<EncodedPublish> _free = new(MaxFree);
    private long _built;
    private long _discarded;
    private long _returned;
    private long _unshared;

    /// <summary>Encodings built so far (including ones that lost a race to a concurrent builder and were discarded).</summary>
    public long Built => Interlocked.Read(ref _built);

    /// <summary>Encodings built by a writer that found another's already published for the same message and family.</summary>
    public long Discarded => Interlocked.Read(ref _discarded);

    /// <summary>Encodings given back (discarded, or released with their message).</summary>
    public long Returned => Interlocked.Read(ref _returned);

    /// <summary>PUBLISH packets encoded for one receiver alone, because they carry something of the receiver's own.</summary>
    public long Unshared => Interlocked.Read(ref _unshared);

    /// <summary>Encodings built and still cached on a message.</summary>
    public long Outstanding => Built - Returned;

    /// <summary>An encoding of <paramref name="message"/> for <paramref name="family"/>, owned by the caller.</summary>
    public EncodedPublish Build(ApplicationMessage message, PublishEncodingFamily family)
    {
        if (!_free.TryTake(out var encoded))
        {
            encoded = new EncodedPublish();
        }

        encoded.Build(message, family);
        Interlocked.Increment(ref _built);
        return encoded;
    }

    /// <summary>Counts a PUBLISH written by the per-receiver path.</summary>
    public void CountUnshared() => Interlocked.Increment(ref _unshared);

    /// <summary>Gives back an encoding that lost the race to be cached.</summary>
    public void Discard(EncodedPublish encoded)
    {
        Interlocked.Increment(ref _discarded);
        Return(encoded);
    }

    /// <summary>Gives back an encoding nobody reads any more.</summary>
    public void Return(EncodedPublish encoded)
    {
        encoded.Reset();
        Interlocked.Increment(ref _returned);
        _free.TryGiveBack(encoded);
    }
}
