using Tether.Broker.Routing;
using Tether.Protocol;

namespace Tether.Broker;

/// <summary>
/// Finds the sessions a message goes to and hands it to each: one delivery per session even when several of
/// its filters match (5.0 §3.3.4: the highest granted QoS, every subscription identifier), one member per
/// shared group, chosen round robin among the members that are online.
/// </summary>
/// <remarks>
/// The match runs against the lock-free topic tree. Matches are gathered in a per-thread buffer that is reused,
/// so routing allocates only when a session has several identifiers to report.
/// </remarks>
internal sealed class MessageRouter
{
    [ThreadStatic]
    private static List<Target>? t_targets;

    private readonly bool _upgradeOutgoingQoS;

    public MessageRouter(bool upgradeOutgoingQoS) => _upgradeOutgoingQoS = upgradeOutgoingQoS;

    public TopicTree<Session, SubscriptionOptions> Subscriptions { get; } = new();

    /// <summary>Delivers <paramref name="message"/> to every matching session; returns how many sessions it went to.</summary>
    /// <param name="message">The message.</param>
    /// <param name="authorizer">Checks each receiver's read access; null (no ACL) skips the check.</param>
    public int Route(ApplicationMessage message, ITopicAuthorizer? authorizer = null)
    {
        var targets = t_targets ??= new List<Target>(16);
        targets.Clear();
        var collector = new Collector(message, targets, _upgradeOutgoingQoS, authorizer);
        Subscriptions.Match(message.TopicUtf8.Span, ref collector);
        var count = targets.Count;
        for (var i = 0; i < count; i++)
        {
            var target = targets[i];
            target.Session.Deliver(message, target.QoS, target.Retain, target.SubscriptionIdentifiers);
        }

        targets.Clear();
        return count;
    }

    private struct Target
    {
        public Session Session;
        public QualityOfService QoS;
        public bool Retain;
        public uint[]? SubscriptionIdentifiers;
        public bool Shared;
    }

    private struct Collector : ITopicMatchVisitor<Session, SubscriptionOptions>
    {
        private readonly ApplicationMessage _message;
        private readonly List<Target> _targets;
        private readonly bool _upgrade;
        private readonly ITopicAuthorizer? _authorizer;

        public Collector(ApplicationMessage message, List<Target> targets, bool upgrade, ITopicAuthorizer? authorizer)
        {
            _message = message;
            _targets = targets;
            _upgrade = upgrade;
            _authorizer = authorizer;
        }

        public readonly void OnSubscription(SubscriptionEntry<Session, SubscriptionOptions> subscription)
        {
            var options = subscription.Value;
            var session = subscription.Subscriber;

            // [MQTT-3.8.3-3]: no-local skips the publisher's own session.
            if (options.NoLocal && string.Equals(_message.PublisherClientId, session.ClientId, StringComparison.Ordinal))
            {
                return;
            }

            // Mosquitto checks read access per receiver and per message (sub__send): an ACL change applies at once.
            if (_authorizer is not null && !_authorizer.CanRead(session.ClientId, session.UserName, _message.Topic))
            {
                return;
            }

            var qos = GrantedQoS(options);

            // [MQTT-3.3.1-12 ff.]: without retain-as-published, forwarded messages carry retain 0.
            var retain = options.RetainAsPublished && _message.Retain;
            for (var i = 0; i < _targets.Count; i++)
            {
                var existing = _targets[i];
                if (!existing.Shared && ReferenceEquals(existing.Session, session))
                {
                    existing.QoS = (QualityOfService)Math.Max((byte)existing.QoS, (byte)qos);
                    existing.Retain |= retain;
                    existing.SubscriptionIdentifiers = AddIdentifier(existing.SubscriptionIdentifiers, options.SubscriptionIdentifier);
                    _targets[i] = existing;
                    return;
                }
            }

            _targets.Add(new Target
            {
                Session = session,
                QoS = qos,
                Retain = retain,
                SubscriptionIdentifiers = AddIdentifier(null, options.SubscriptionIdentifier),
            });
        }

        public readonly void OnSharedGroup(SharedSubscriptionGroup<Session, SubscriptionOptions> group, ReadOnlySpan<SubscriptionEntry<Session, SubscriptionOptions>> members)
        {
            var start = group.NextRoundRobinIndex(members.Length);
            var chosen = members[start];

            // A member that went away must not eat messages: prefer one that is online, in round-robin order.
            for (var i = 0; i < members.Length; i++)
            {
                var candidate = members[(start + i) % members.Length];
                if (candidate.Subscriber.Connection is not null)
                {
                    chosen = candidate;
                    break;
                }
            }

            if (_authorizer is not null && !_authorizer.CanRead(chosen.Subscriber.ClientId, chosen.Subscriber.UserName, _message.Topic))
            {
                return;
            }

            var options = chosen.Value;
            _targets.Add(new Target
            {
                Session = chosen.Subscriber,
                QoS = GrantedQoS(options),
                Retain = options.RetainAsPublished && _message.Retain,
                SubscriptionIdentifiers = AddIdentifier(null, options.SubscriptionIdentifier),
                Shared = true,
            });
        }

        private readonly QualityOfService GrantedQoS(in SubscriptionOptions options) => options.DeliveryQoS(_message.QoS, _upgrade);

        private static uint[]? AddIdentifier(uint[]? identifiers, uint identifier)
        {
            if (identifier == 0)
            {
                return identifiers;
            }

            if (identifiers is null)
            {
                return SingleIdentifierCache.Get(identifier);
            }

            var grown = new uint[identifiers.Length + 1];
            identifiers.CopyTo(grown, 0);
            grown[^1] = identifier;
            return grown;
        }
    }
}
