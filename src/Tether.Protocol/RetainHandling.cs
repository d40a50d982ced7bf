namespace Tether.Protocol;

/// <summary>MQTT 5.0 subscription option: when retained messages are sent on subscribe (§3.8.3.1).</summary>
public enum RetainHandling : byte
{
    /// <summary>Send retained messages at the time of the subscribe.</summary>
    SendAtSubscribe = 0,

    /// <summary>Send retained messages only if the subscription did not exist before.</summary>
    SendIfNewSubscription = 1,

    /// <summary>Do not send retained messages on subscribe.</summary>
    DoNotSend = 2,
}
