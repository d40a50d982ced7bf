using System.Buffers;
using System.Text;
using Tether.Protocol;

namespace Tether.Broker;

/// <summary>
/// A published message as the broker keeps it: copied once out of the receive buffer, then shared, unchanged,
/// by every session it is delivered to, the retained store and the offline queues.
/// </summary>
/// <remarks>
/// <para>
/// Ownership. A message received from a client is rented from the broker's <see cref="MessagePool"/> and its
/// payload is copied into a buffer the pooled object keeps across uses (up to <see cref="KeptBufferLimit"/> bytes;
/// larger payloads borrow from <see cref="ArrayPool{T}.Shared"/> and give it back on release), so the publish path
/// allocates nothing in steady state. The buffer stays with the object because messages are rented on publishers'
/// threads and released on subscribers' writers: the shared array pool keeps only a few arrays per core, so a
/// burst of queued messages would otherwise find it empty and allocate. Such a message is reference counted: every holder takes a reference with <see cref="AddRef"/>
/// (or <see cref="TryAddRef"/>) and gives it back with <see cref="Release"/> exactly once; when the last reference
/// goes, the payload buffer returns to the array pool and the object to its pool, to be reused for another message.
/// The holders are:
/// </para>
/// <list type="bullet">
/// <item>the publisher's connection, from <see cref="MessagePool.Rent"/> until routing has returned;</item>
/// <item>each PUBLISH item in a connection's outbound queue, released by the writer once encoded (or dropped, or
/// drained when the connection ends);</item>
/// <item>each in-flight entry of a session, released on PUBACK, PUBCOMP, an error PUBREC, discard or session end;</item>
/// <item>each entry of a session's pending (offline) queue, released when it is sent, expires or the session ends;</item>
/// <item>the retained store, released when the topic's message is replaced, cleared or expires;</item>
/// <item>whoever is sending retained messages to a new subscription, for the duration of that.</item>
/// </list>
/// <para>
/// A holder must not read the message after its release. A message that outlives every holder's control (a
/// store record, a will, a broker-generated message) is not pooled: <see cref="ApplicationMessage(string, ReadOnlyMemory{byte}, ReadOnlyMemory{byte}, QualityOfService, bool, MqttProperties?, DateTimeOffset?, string?)"/>
/// builds one whose references are not counted and which the garbage collector reclaims. Copies into store
/// records are made before the holder's release (see <c>StoredMessageCodec.ToStored</c>). A reference that is
/// never released is only a lost reuse, never a corruption; a release too many is, so debug builds check the count.
/// </para>
/// </remarks>
internal sealed partial class ApplicationMessage
{
    private readonly MessagePool? _pool;
    /// <summary>
    /// The largest payload buffer a pooled message keeps for its next use: small messages are the common case
    /// and 4 KiB × the pool's bound (4096) caps what idle messages pin at 16 MiB.
    /// </summary>
    internal const int KeptBufferLimit = 4096;

    private byte[]? _buffer;
    private int _references;

    /// <summary>A message that is not pooled: references are not counted and nothing is returned anywhere.</summary>
    public ApplicationMessage(
        string topic,
        ReadOnlyMemory<byte> topicUtf8,
        ReadOnlyMemory<byte> payload,
        QualityOfService qos,
        bool retain,
        MqttProperties? properties,
        DateTimeOffset? expiresAt,
        string? publisherClientId)
    {
        Topic = topic;
        TopicUtf8 = topicUtf8;
        Payload = payload;
        QoS = qos;
        Retain = retain;
        Properties = properties;
        ExpiresAt = expiresAt;
        PublisherClientId = publisherClientId;
    }

    /// <summary>An empty pooled instance, filled by <see cref="Fill"/>.</summary>
    internal ApplicationMessage(MessagePool pool)
    {
        _pool = pool;
        Topic = string.Empty;
    }

    public string Topic { get; private set; }

    public ReadOnlyMemory<byte> TopicUtf8 { get; private set; }

    public ReadOnlyMemory<byte> Payload { get; private set; }

    public QualityOfService QoS { get; private set; }

    public bool Retain { get; private set; }

    /// <summary>
    /// The 5.0 properties forwarded unchanged (payload format, content type, response topic, correlation data,
    /// user properties); null when there are none. Topic alias and subscription identifiers are per hop and not kept.
    /// </summary>
    public MqttProperties? Properties { get; private set; }

    /// <summary>When the message expires (5.0 message expiry interval), or null for never.</summary>
    public DateTimeOffset? ExpiresAt { get; private set; }

    /// <summary>Client id of the publisher, for the 5.0 no-local option; null for broker-generated messages.</summary>
    public string? PublisherClientId { get; private set; }

    /// <summary>Whether this message is pooled and reference counted (its payload lives in a rented buffer).</summary>
    public bool IsPooled => _pool is not null;

    /// <summary>The current reference count of a pooled message (for tests and debug checks).</summary>
    internal int References => Volatile.Read(ref _references);

    public bool IsExpired(DateTimeOffset now) => ExpiresAt is { } expiry && now >= expiry;

    /// <summary>Remaining lifetime in whole seconds, rounded up, for the forwarded message expiry interval [MQTT-3.3.2-6].</summary>
    public uint? RemainingExpirySeconds(DateTimeOffset now)
    {
        if (ExpiresAt is not { } expiry)
        {
            return null;
        }

        var remaining = expiry - now;
        return remaining <= TimeSpan.Zero ? 0 : (uint)Math.Ceiling(remaining.TotalSeconds);
    }

    /// <summary>Takes a reference for a new holder; the caller must already hold one (or have rented the message).</summary>
    public void AddRef()
    {
        if (_pool is null)
        {
            return;
        }

        var count = Interlocked.Increment(ref _references);
#if DEBUG
        if (count <= 1)
        {
            throw new InvalidOperationException($"A reference was taken to a released message (count now {count}).");
        }
#endif
        _ = count;
    }

    /// <summary>
    /// Takes a reference for a holder that found the message in a shared structure (the retained store) without
    /// holding one; fails when the message has already been released by its last holder.
    /// </summary>
    public bool TryAddRef()
    {
        if (_pool is null)
        {
            return true;
        }

        var current = Volatile.Read(ref _references);
        while (current > 0)
        {
            var seen = Interlocked.CompareExchange(ref _references, current + 1, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

    /// <summary>Gives back a holder's reference; the last one returns the payload buffer and the message to their pools.</summary>
    public void Release()
    {
        var pool = _pool;
        if (pool is null)
        {
            return;
        }

        var count = Interlocked.Decrement(ref _references);
        if (count > 0)
        {
            return;
        }

#if DEBUG
        if (count < 0)
        {
            throw new InvalidOperationException("A message was released more often than it was referenced.");
        }
#endif
        if (count < 0)
        {
            // Release build: a release too many; the message is already back in the pool, leave it alone.
            return;
        }

        var buffer = _buffer;
        if (buffer is not null && buffer.Length > KeptBufferLimit)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }

        ReturnEncodings(pool.Encodings);
        Payload = default;
        TopicUtf8 = default;
        Topic = string.Empty;
        Properties = null;
        PublisherClientId = null;
        pool.Return(this);
    }

    /// <summary>Fills a pooled instance: the payload is copied into a rented buffer; the caller holds the one reference.</summary>
    internal void Fill(
        string topic,
        ReadOnlyMemory<byte> topicUtf8,
        in ReadOnlySequence<byte> payload,
        QualityOfService qos,
        bool retain,
        MqttProperties? properties,
        DateTimeOffset? expiresAt,
        string? publisherClientId)
    {
        var length = checked((int)payload.Length);
        if (length > 0)
        {
            var buffer = _buffer;
            if (buffer is null || buffer.Length < length)
            {
                if (buffer is not null)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }

                buffer = ArrayPool<byte>.Shared.Rent(length);
                _buffer = buffer;
            }

            payload.CopyTo(buffer);
            Payload = new ReadOnlyMemory<byte>(buffer, 0, length);
        }
        else
        {
            Payload = ReadOnlyMemory<byte>.Empty;
        }

        Topic = topic;
        TopicUtf8 = topicUtf8;
        QoS = qos;
        Retain = retain;
        Properties = properties;
        ExpiresAt = expiresAt;
        PublisherClientId = publisherClientId;
        Volatile.Write(ref _references, 1);
    }

    /// <summary>Gives the kept payload buffer back to the shared array pool; for a released message the pool will not keep.</summary>
    internal void DropBuffer()
    {
        var buffer = _buffer;
        _buffer = null;
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A broker-generated message (for $SYS and tests); not pooled.</summary>
    public static ApplicationMessage Create(string topic, ReadOnlyMemory<byte> payload, QualityOfService qos, bool retain, DateTimeOffset? expiresAt = null) =>
        new(topic, Encoding.UTF8.GetBytes(topic), payload, qos, retain, null, expiresAt, null);
}
