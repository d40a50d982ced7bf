namespace Tether.Broker;

/// <summary>
/// Broker-wide counters for <c>$SYS</c> and metrics. Each is a single <see cref="Interlocked"/> update, so
/// counting never takes a lock on the publish path.
/// </summary>
public sealed class BrokerStatistics
{
    private long _messagesReceived;
    private long _messagesSent;
    private long _publishReceived;
    private long _publishSent;
    private long _bytesReceived;
    private long _bytesSent;
    private long _messagesDropped;
    private long _messagesDelivered;
    private long _clientsConnected;
    private long _clientsMaximum;
    private long _connectionsTotal;
    private readonly long[] _disconnects = new long[Enum.GetValues<DisconnectReason>().Length];

    /// <summary>Packets of any type received.</summary>
    public long MessagesReceived => Volatile.Read(ref _messagesReceived);

    /// <summary>Packets of any type sent.</summary>
    public long MessagesSent => Volatile.Read(ref _messagesSent);

    /// <summary>PUBLISH packets received.</summary>
    public long PublishReceived => Volatile.Read(ref _publishReceived);

    /// <summary>PUBLISH packets sent.</summary>
    public long PublishSent => Volatile.Read(ref _publishSent);

    /// <summary>Bytes received on all connections.</summary>
    public long BytesReceived => Volatile.Read(ref _bytesReceived);

    /// <summary>Bytes sent on all connections.</summary>
    public long BytesSent => Volatile.Read(ref _bytesSent);

    /// <summary>Messages dropped because a client's queue was full.</summary>
    public long MessagesDropped => Volatile.Read(ref _messagesDropped);

    /// <summary>QoS 1 and 2 messages whose delivery flow completed.</summary>
    public long MessagesDelivered => Volatile.Read(ref _messagesDelivered);

    /// <summary>Clients connected now (CONNECT accepted, not yet ended).</summary>
    public long ClientsConnected => Volatile.Read(ref _clientsConnected);

    /// <summary>Most clients connected at once.</summary>
    public long ClientsMaximum => Volatile.Read(ref _clientsMaximum);

    /// <summary>Connections accepted since start.</summary>
    public long ConnectionsTotal => Volatile.Read(ref _connectionsTotal);

    /// <summary>How many connections ended for <paramref name="reason"/>.</summary>
    public long Disconnects(DisconnectReason reason) => Volatile.Read(ref _disconnects[(int)reason]);

    internal void CountPacketReceived(int bytes)
    {
        Interlocked.Increment(ref _messagesReceived);
        Interlocked.Add(ref _bytesReceived, bytes);
    }

    internal void CountPublishReceived() => Interlocked.Increment(ref _publishReceived);

    internal void CountPacketsSent(int packets, int publishes, long bytes)
    {
        Interlocked.Add(ref _messagesSent, packets);
        Interlocked.Add(ref _publishSent, publishes);
        Interlocked.Add(ref _bytesSent, bytes);
    }

    internal void CountDropped() => Interlocked.Increment(ref _messagesDropped);

    internal void CountDelivered() => Interlocked.Increment(ref _messagesDelivered);

    internal void CountConnectionOpened() => Interlocked.Increment(ref _connectionsTotal);

    internal void CountClientConnected()
    {
        var now = Interlocked.Increment(ref _clientsConnected);
        long seen;
        while (now > (seen = Volatile.Read(ref _clientsMaximum)) && Interlocked.CompareExchange(ref _clientsMaximum, now, seen) != seen)
        {
        }
    }

    internal void CountClientDisconnected() => Interlocked.Decrement(ref _clientsConnected);

    internal void CountDisconnect(DisconnectReason reason) => Interlocked.Increment(ref _disconnects[(int)reason]);
}
