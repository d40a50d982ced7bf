namespace Tether.Protocol;

/// <summary>
/// MQTT 5.0 reason codes (§2.4). The same byte value has one meaning across packets, except 0x00 which
/// reads "Success", "Normal disconnection" or "Granted QoS 0" depending on the packet.
/// </summary>
public enum ReasonCode : byte
{
    /// <summary>Success / normal disconnection / granted QoS 0.</summary>
    Success = 0x00,

    /// <summary>Granted QoS 1 (SUBACK).</summary>
    GrantedQoS1 = 0x01,

    /// <summary>Granted QoS 2 (SUBACK).</summary>
    GrantedQoS2 = 0x02,

    /// <summary>Disconnect with will message (DISCONNECT).</summary>
    DisconnectWithWillMessage = 0x04,

    /// <summary>No matching subscribers (PUBACK, PUBREC).</summary>
    NoMatchingSubscribers = 0x10,

    /// <summary>No subscription existed (UNSUBACK).</summary>
    NoSubscriptionExisted = 0x11,

    /// <summary>Continue authentication (AUTH).</summary>
    ContinueAuthentication = 0x18,

    /// <summary>Re-authenticate (AUTH).</summary>
    ReAuthenticate = 0x19,

    /// <summary>Unspecified error.</summary>
    UnspecifiedError = 0x80,

    /// <summary>Malformed packet.</summary>
    MalformedPacket = 0x81,

    /// <summary>Protocol error.</summary>
    ProtocolError = 0x82,

    /// <summary>Implementation specific error.</summary>
    ImplementationSpecificError = 0x83,

    /// <summary>Unsupported protocol version (CONNACK).</summary>
    UnsupportedProtocolVersion = 0x84,

    /// <summary>Client identifier not valid (CONNACK).</summary>
    ClientIdentifierNotValid = 0x85,

    /// <summary>Bad user name or password (CONNACK).</summary>
    BadUserNameOrPassword = 0x86,

    /// <summary>Not authorized.</summary>
    NotAuthorized = 0x87,

    /// <summary>Server unavailable (CONNACK).</summary>
    ServerUnavailable = 0x88,

    /// <summary>Server busy.</summary>
    ServerBusy = 0x89,

    /// <summary>Banned (CONNACK).</summary>
    Banned = 0x8A,

    /// <summary>Server shutting down (DISCONNECT).</summary>
    ServerShuttingDown = 0x8B,

    /// <summary>Bad authentication method.</summary>
    BadAuthenticationMethod = 0x8C,

    /// <summary>Keep alive timeout (DISCONNECT).</summary>
    KeepAliveTimeout = 0x8D,

    /// <summary>Session taken over (DISCONNECT).</summary>
    SessionTakenOver = 0x8E,

    /// <summary>Topic filter invalid.</summary>
    TopicFilterInvalid = 0x8F,

    /// <summary>Topic name invalid.</summary>
    TopicNameInvalid = 0x90,

    /// <summary>Packet identifier in use.</summary>
    PacketIdentifierInUse = 0x91,

    /// <summary>Packet identifier not found.</summary>
    PacketIdentifierNotFound = 0x92,

    /// <summary>Receive maximum exceeded (DISCONNECT).</summary>
    ReceiveMaximumExceeded = 0x93,

    /// <summary>Topic alias invalid (DISCONNECT).</summary>
    TopicAliasInvalid = 0x94,

    /// <summary>Packet too large.</summary>
    PacketTooLarge = 0x95,

    /// <summary>Message rate too high (DISCONNECT).</summary>
    MessageRateTooHigh = 0x96,

    /// <summary>Quota exceeded.</summary>
    QuotaExceeded = 0x97,

    /// <summary>Administrative action (DISCONNECT).</summary>
    AdministrativeAction = 0x98,

    /// <summary>Payload format invalid.</summary>
    PayloadFormatInvalid = 0x99,

    /// <summary>Retain not supported.</summary>
    RetainNotSupported = 0x9A,

    /// <summary>QoS not supported.</summary>
    QoSNotSupported = 0x9B,

    /// <summary>Use another server.</summary>
    UseAnotherServer = 0x9C,

    /// <summary>Server moved.</summary>
    ServerMoved = 0x9D,

    /// <summary>Shared subscriptions not supported.</summary>
    SharedSubscriptionsNotSupported = 0x9E,

    /// <summary>Connection rate exceeded.</summary>
    ConnectionRateExceeded = 0x9F,

    /// <summary>Maximum connect time (DISCONNECT).</summary>
    MaximumConnectTime = 0xA0,

    /// <summary>Subscription identifiers not supported.</summary>
    SubscriptionIdentifiersNotSupported = 0xA1,

    /// <summary>Wildcard subscriptions not supported.</summary>
    WildcardSubscriptionsNotSupported = 0xA2,
}
