using Tether.Protocol;

namespace Tether.Client;

/// <summary>Human-readable names of MQTT 5.0 reason codes, as the specification names them (§2.4).</summary>
public static class MqttReasonText
{
    /// <summary>The name of <paramref name="code"/>, e.g. "Not authorized".</summary>
    public static string Describe(ReasonCode code) => code switch
    {
        ReasonCode.Success => "Success",
        ReasonCode.GrantedQoS1 => "Granted QoS 1",
        ReasonCode.GrantedQoS2 => "Granted QoS 2",
        ReasonCode.DisconnectWithWillMessage => "Disconnect with Will Message",
        ReasonCode.NoMatchingSubscribers => "No matching subscribers",
        ReasonCode.NoSubscriptionExisted => "No subscription existed",
        ReasonCode.ContinueAuthentication => "Continue authentication",
        ReasonCode.ReAuthenticate => "Re-authenticate",
        ReasonCode.UnspecifiedError => "Unspecified error",
        ReasonCode.MalformedPacket => "Malformed Packet",
        ReasonCode.ProtocolError => "Protocol Error",
        ReasonCode.ImplementationSpecificError => "Implementation specific error",
        ReasonCode.UnsupportedProtocolVersion => "Unsupported Protocol Version",
        ReasonCode.ClientIdentifierNotValid => "Client Identifier not valid",
        ReasonCode.BadUserNameOrPassword => "Bad User Name or Password",
        ReasonCode.NotAuthorized => "Not authorized",
        ReasonCode.ServerUnavailable => "Server unavailable",
        ReasonCode.ServerBusy => "Server busy",
        ReasonCode.Banned => "Banned",
        ReasonCode.ServerShuttingDown => "Server shutting down",
        ReasonCode.BadAuthenticationMethod => "Bad authentication method",
        ReasonCode.KeepAliveTimeout => "Keep Alive timeout",
        ReasonCode.SessionTakenOver => "Session taken over",
        ReasonCode.TopicFilterInvalid => "Topic Filter invalid",
        ReasonCode.TopicNameInvalid => "Topic Name invalid",
        ReasonCode.PacketIdentifierInUse => "Packet Identifier in use",
        ReasonCode.PacketIdentifierNotFound => "Packet Identifier not found",
        ReasonCode.ReceiveMaximumExceeded => "Receive Maximum exceeded",
        ReasonCode.TopicAliasInvalid => "Topic Alias invalid",
        ReasonCode.PacketTooLarge => "Packet too large",
        ReasonCode.MessageRateTooHigh => "Message rate too high",
        ReasonCode.QuotaExceeded => "Quota exceeded",
        ReasonCode.AdministrativeAction => "Administrative action",
        ReasonCode.PayloadFormatInvalid => "Payload format invalid",
        ReasonCode.RetainNotSupported => "Retain not supported",
        ReasonCode.QoSNotSupported => "QoS not supported",
        ReasonCode.UseAnotherServer => "Use another server",
        ReasonCode.ServerMoved => "Server moved",
        ReasonCode.SharedSubscriptionsNotSupported => "Shared Subscriptions not supported",
        ReasonCode.ConnectionRateExceeded => "Connection rate exceeded",
        ReasonCode.MaximumConnectTime => "Maximum connect time",
        ReasonCode.SubscriptionIdentifiersNotSupported => "Subscription Identifiers not supported",
        ReasonCode.WildcardSubscriptionsNotSupported => "Wildcard Subscriptions not supported",
        _ => "Unknown reason code 0x" + ((byte)code).ToString("X2", System.Globalization.CultureInfo.InvariantCulture),
    };
}
