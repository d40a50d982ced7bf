using Tether.Protocol;

namespace Tether.Broker;

/// <summary>SUBSCRIBE and UNSUBSCRIBE (§3.8, §3.10).</summary>
internal sealed partial class MqttConnection
{
    /// <summary>Most levels a topic filter may have; Mosquitto's limit on topic hierarchy depth is the same, 200.</summary>
    private const int MaxTopicLevels = 200;

    private void HandleSubscribe(SubscribePacket subscribe)
    {
        // The session's lock is held from the first new subscription until its retained messages are queued, so a
        // live message published meanwhile is queued after them: a subscriber never sees an older retained value
        // arrive after a newer live one on the same topic. Publishers to this session wait that long; others don't.
        MqttBroker.TakeSubmittedChange();
        lock (Session!.Gate)
        {
            HandleSubscribeLocked(subscribe);
        }
    }

    private void HandleSubscribeLocked(SubscribePacket subscribe)
    {
        var session = Session!;
        var options = _broker.Options;
        var subscriptionId = subscribe.Properties.SubscriptionIdentifiers.Count > 0 ? subscribe.Properties.SubscriptionIdentifiers[0] : 0u;
        var subAck = new SubAckPacket { PacketId = subscribe.PacketId };
        List<(TopicSubscription Request, SubscriptionOptions Options, bool IsNew)>? retainedToSend = null;
        var debug = DebugEnabled;
        foreach (var request in subscribe.Subscriptions)
        {
            if (debug)
            {
                PacketLog.SubscribeFilter(_broker.Logger, request.Filter, (int)request.MaximumQoS);
            }

            if (request.Filter.AsSpan().Count('/') >= MaxTopicLevels)
            {
                // Matching recurses once per '+' level; an absurdly deep filter is refused rather than walked.
                subAck.ReasonCodes.Add(IsV5 ? ReasonCode.TopicFilterInvalid : ReasonCode.UnspecifiedError);
                continue;
            }

            if (!_broker.IsSubscribeAllowed(this, request.Filter))
            {
                subAck.ReasonCodes.Add(IsV5 ? ReasonCode.NotAuthorized : ReasonCode.UnspecifiedError);
                continue;
            }

            var granted = (QualityOfService)Math.Min((byte)request.MaximumQoS, options.MaxQoS);
            var subscriptionOptions = new SubscriptionOptions(granted, request.NoLocal, request.RetainAsPublished, request.RetainHandling, subscriptionId);
            var isNew = _broker.Subscribe(session, request.Filter, subscriptionOptions);
            subAck.ReasonCodes.Add((ReasonCode)(byte)granted);
            BrokerLog.Subscribed(_broker.SubscribeLogger, DisplayName, request.Filter, (int)granted);

            // Retained messages go to new non-shared subscriptions per retain handling (§3.3.1.3, [MQTT-3.8.4-4]);
            // shared subscriptions never receive them (§4.8.2).
            var sendRetained = request.RetainHandling switch
            {
                RetainHandling.SendAtSubscribe => true,
                RetainHandling.SendIfNewSubscription => isNew,
                _ => false,
            };
            if (sendRetained && !TopicRules.IsSharedFilter(request.Filter))
            {
                (retainedToSend ??= []).Add((request, subscriptionOptions, isNew));
            }
        }

        // SUBACK precedes the retained messages it triggers [MQTT-3.8.4-1]; both wait for the commit of a stored
        // session's new subscriptions (a subscription acknowledged is a subscription kept).
        EnqueueCommitBarrierIfChanged();
        EnqueuePacket(subAck);
        if (retainedToSend is null)
        {
            return;
        }

        foreach (var (request, subscriptionOptions, _) in retainedToSend)
        {
            _broker.SendRetained(session, request.Filter, subscriptionOptions);
        }
    }

    private void HandleUnsubscribe(UnsubscribePacket unsubscribe)
    {
        var session = Session!;
        var unsubAck = new UnsubAckPacket { PacketId = unsubscribe.PacketId };
        MqttBroker.TakeSubmittedChange();
        var debug = DebugEnabled;
        foreach (var filter in unsubscribe.Filters)
        {
            if (debug)
            {
                PacketLog.UnsubscribeFilter(_broker.Logger, filter);
            }

            var existed = _broker.Unsubscribe(session, filter);
            BrokerLog.Unsubscribed(_broker.UnsubscribeLogger, DisplayName, filter);
            if (IsV5)
            {
                unsubAck.ReasonCodes.Add(existed ? ReasonCode.Success : ReasonCode.NoSubscriptionExisted);
            }
        }

        EnqueueCommitBarrierIfChanged();
        EnqueuePacket(unsubAck);
    }
}
