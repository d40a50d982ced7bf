using System.Buffers;
using Tether.Protocol;

namespace Tether.Broker;

/// <summary>
/// Reusable <see cref="ApplicationMessage"/> objects for the publish path, one pool per broker, lock-free and
/// bounded (<see cref="BoundedFreeList{T}"/>): messages are rented on a publisher's reader and mostly returned on
/// subscribers' writers.
/// </summary>
internal sealed class MessagePool
{
    /// <summary>
    /// How many free messages are kept; a burst beyond this allocates and is collected later. Sized for the messages a
    /// busy broker has in flight at once: ten publishers each 1,000 messages ahead of their subscribers (bench/compare.sh's
    /// pairs scenario) kept about 10,000 alive, and at 4,096 the rest were allocated and dropped, 32–71 gen1 collections
    /// in 10 s (BENCHMARKS.md "Message pool size"). What a burst can leave kept: 16,384 objects with their payload
    /// buffers (a few megabytes for small payloads; buffers over <see cref="ApplicationMessage.KeptBufferLimit"/> are
    /// never kept).
    /// </summary>
    public const int MaxFree = 16_384;

    private readonly BoundedFreeList<ApplicationMessage> _free = new(MaxFree);
    private long _rented;
    private long _returned;

    /// <summary>The pool of the messages' shared PUBLISH encodings, which go back with their message.</summary>
    public EncodedPublishPool Encodings { get; } = new();

    /// <summary>Messages rented so far.</summary>
    public long Rented => Interlocked.Read(ref _rented);

    /// <summary>Messages whose last reference has been released so far.</summary>
    public long Returned => Interlocked.Read(ref _returned);

    /// <summary>Messages rented and not yet released by their last holder.</summary>
    public long Outstanding => Rented - Returned;

    /// <summary>A message holding a copy of <paramref name="payload"/>, with one reference, owned by the caller.</summary>
    public ApplicationMessage Rent(
        string topic,
        ReadOnlyMemory<byte> topicUtf8,
        in ReadOnlySequence<byte> payload,
        QualityOfService qos,
        bool retain,
        MqttProperties? properties,
        DateTimeOffset? expiresAt,
        string? publisherClientId)
    {
        if (!_free.TryTake(out var message))
        {
            message = new ApplicationMessage(this);
        }

        message.Fill(topic, topicUtf8, payload, qos, retain, properties, expiresAt, publisherClientId);
        Interlocked.Increment(ref _rented);
        return message;
    }

    /// <summary>Called by <see cref="ApplicationMessage.Release"/> when the last reference is gone.</summary>
    internal void Return(ApplicationMessage message)
    {
        Interlocked.Increment(ref _returned);
        if (!_free.TryGiveBack(message))
        {
            message.DropBuffer();
        }
    }
}
