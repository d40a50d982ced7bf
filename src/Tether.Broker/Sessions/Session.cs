using Tether.Protocol;

namespace Tether.Broker;

/// <summary>
/// The state the broker keeps for one client id, across connections: subscriptions, messages in flight in both
/// directions, the offline queue and the will. One lock per session guards it; nothing here is global, so
/// publishers to different sessions never contend.
/// </summary>
internal sealed partial class Session
{
    private readonly MqttBroker _broker;

    public Session(MqttBroker broker, string clientId)
    {
        _broker = broker;
        ClientId = clientId;
    }

    public string ClientId { get; }

    /// <summary>The user name of the current or last connection: read access is checked with it, online or not.</summary>
    public string? UserName { get; set; }

    /// <summary>Guards every mutable field of the session.</summary>
    public Lock Gate { get; } = new();

    /// <summary>The connection currently attached, or null while offline. Written under <see cref="Gate"/>.</summary>
    public MqttConnection? Connection { get; private set; }

    public ProtocolVersion ProtocolVersion { get; set; }

    /// <summary>Session expiry in seconds after the connection ends; <see cref="uint.MaxValue"/> means never.</summary>
    public uint ExpiryIntervalSeconds { get; set; }

    /// <summary>When the last connection ended; null while connected.</summary>
    public DateTimeOffset? DisconnectedAt { get; private set; }

    /// <summary>Set once the session has ended for good; late deliveries are then ignored.</summary>
    public bool IsEnded { get; private set; }

    // Created on first use, like the delivery collections (Session.Outgoing.cs): an idle session owns none.
    private Dictionary<string, SubscriptionOptions>? _subscriptions;
    private HashSet<ushort>? _incomingQoS2;

    /// <summary>This session's filters with their options, mirrored in the broker's topic tree. Created on first access.</summary>
    public Dictionary<string, SubscriptionOptions> Subscriptions => _subscriptions ??= new(StringComparer.Ordinal);

    /// <summary>Whether the session has a subscription; unlike <see cref="Subscriptions"/>, creates nothing.</summary>
    public bool HasSubscriptions => _subscriptions is { Count: > 0 };

    /// <summary>Packet ids of incoming QoS 2 messages already routed, held until PUBREL (exactly once, §4.3.3). Created on first access.</summary>
    public HashSet<ushort> IncomingQoS2 => _incomingQoS2 ??= [];

    /// <summary>How many incoming QoS 2 packet ids are held; creates nothing.</summary>
    public int IncomingQoS2Count => _incomingQoS2?.Count ?? 0;

    /// <summary>The will of the current or last connection, with its delay.</summary>
    public PendingWill? Will { get; set; }

    public bool ExpiresWhenDisconnected => ExpiryIntervalSeconds == 0;

    /// <summary>Whether the session has a row in a durable store, so its deliveries are recorded there. Written under <see cref="Gate"/>.</summary>
    public bool IsStored { get; set; }

    /// <summary>Restore: the session is offline since <paramref name="disconnectedAt"/>.</summary>
    public void RestoreOffline(DateTimeOffset disconnectedAt) => DisconnectedAt = disconnectedAt;

    /// <summary>Attaches a connection; the caller holds <see cref="Gate"/>.</summary>
    public void Attach(MqttConnection connection)
    {
        Connection = connection;
        DisconnectedAt = null;
    }

    /// <summary>Detaches <paramref name="connection"/> if it is still the attached one. Returns whether it was.</summary>
    public bool Detach(MqttConnection connection, DateTimeOffset now)
    {
        lock (Gate)
        {
            if (!ReferenceEquals(Connection, connection))
            {
                return false;
            }

            Connection = null;
            DisconnectedAt = now;
            return true;
        }
    }

    /// <summary>Marks the session ended and drops its queued state.</summary>
    public void End()
    {
        lock (Gate)
        {
            IsEnded = true;
            Connection = null;
            DropDeliveries();
            _incomingQoS2?.Clear();
        }
    }

    /// <summary>Whether an offline session has outlived its expiry interval.</summary>
    public bool HasExpired(DateTimeOffset now) =>
        DisconnectedAt is { } since && ExpiryIntervalSeconds != uint.MaxValue && now - since >= TimeSpan.FromSeconds(ExpiryIntervalSeconds);
}
