namespace Tether.Broker;

/// <summary>A will waiting for its connection to end, and then for its delay (5.0 will delay interval) to pass.</summary>
/// <param name="Message">The message to publish, without expiry.</param>
/// <param name="DelaySeconds">Will delay interval; 0 publishes at once.</param>
/// <param name="ExpirySeconds">5.0 message expiry interval, counted from when the will is published.</param>
internal sealed record PendingWill(ApplicationMessage Message, uint DelaySeconds, uint? ExpirySeconds)
{
    /// <summary>The message as published at <paramref name="now"/>, with its expiry set from then.</summary>
    public ApplicationMessage ToMessage(DateTimeOffset now) => ExpirySeconds is { } seconds
        ? new ApplicationMessage(Message.Topic, Message.TopicUtf8, Message.Payload, Message.QoS, Message.Retain, Message.Properties, now.AddSeconds(seconds), Message.PublisherClientId)
        : Message;
}
