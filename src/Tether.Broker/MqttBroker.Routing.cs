namespace Tether.Broker;

/// <summary>Publishing, subscriptions and retained messages.</summary>
public sealed partial class MqttBroker
{
    /// <summary>Stores a retained message if it is one, and delivers the message to its subscribers; returns how many sessions it went to.</summary>
    internal int Publish(ApplicationMessage message)
    {
        if (message.Retain && Options.RetainAvailable)
        {
            _retained.Set(message);
            StoreRetained(message);
        }

        return _router.Route(message, Authorizer);
    }

    /// <summary>Adds or replaces a subscription; returns whether it is new for this session.</summary>
    internal bool Subscribe(Session session, string filter, SubscriptionOptions options)
    {
        bool isNew;
        lock (session.Gate)
        {
            isNew = session.Subscriptions.TryAdd(filter, options);
            if (!isNew)
            {
                session.Subscriptions[filter] = options;
            }
        }

        _router.Subscriptions.Subscribe(filter, session, options);
        if (session.IsStored)
        {
            SaveSession(session, session.Connection?.Will);
        }

        return isNew;
    }

    internal bool Unsubscribe(Session session, string filter)
    {
        bool existed;
        lock (session.Gate)
        {
            existed = session.Subscriptions.Remove(filter);
        }

        _router.Subscriptions.Unsubscribe(filter, session);
        if (existed && session.IsStored)
        {
            SaveSession(session, session.Connection?.Will);
        }

        return existed;
    }

    /// <summary>Sends the retained messages matching a new subscription, flagged retained [MQTT-3.3.1-8 (3.1.1)].</summary>
    internal void SendRetained(Session session, string filter, SubscriptionOptions options)
    {
        var identifiers = options.SubscriptionIdentifier == 0 ? null : SingleIdentifierCache.Get(options.SubscriptionIdentifier);
        var authorizer = Authorizer;
        foreach (var message in _retained.Find(filter, Time.GetUtcNow()))
        {
            // Find took a reference for this loop; the session takes its own for whatever it queues.
            if (authorizer is null || authorizer.CanRead(session.ClientId, session.UserName, message.Topic))
            {
                session.Deliver(message, options.DeliveryQoS(message.QoS, Options.UpgradeOutgoingQoS), retain: true, identifiers);
            }

            message.Release();
        }
    }

    internal bool IsPublishAllowed(MqttConnection connection, string topic) =>
        Authorizer?.CanPublish(connection.ClientId!, connection.UserName, topic) ?? true;

    internal bool IsSubscribeAllowed(MqttConnection connection, string filter) =>
        Authorizer?.CanSubscribe(connection.ClientId!, connection.UserName, filter) ?? true;
}
