namespace Tether.Protocol;

/// <summary>MQTT 5.0 property identifiers (§2.2.2.2).</summary>
public enum PropertyId : byte
{
    /// <summary>Byte; PUBLISH, Will properties.</summary>
    PayloadFormatIndicator = 0x01,

    /// <summary>Four byte integer; PUBLISH, Will properties.</summary>
    MessageExpiryInterval = 0x02,

    /// <summary>UTF-8 string; PUBLISH, Will properties.</summary>
    ContentType = 0x03,

    /// <summary>UTF-8 string (topic name); PUBLISH, Will properties.</summary>
    ResponseTopic = 0x08,

    /// <summary>Binary data; PUBLISH, Will properties.</summary>
    CorrelationData = 0x09,

    /// <summary>Variable byte integer; PUBLISH, SUBSCRIBE.</summary>
    SubscriptionIdentifier = 0x0B,

    /// <summary>Four byte integer; CONNECT, CONNACK, DISCONNECT.</summary>
    SessionExpiryInterval = 0x11,

    /// <summary>UTF-8 string; CONNACK.</summary>
    AssignedClientIdentifier = 0x12,

    /// <summary>Two byte integer; CONNACK.</summary>
    ServerKeepAlive = 0x13,

    /// <summary>UTF-8 string; CONNECT, CONNACK, AUTH.</summary>
    AuthenticationMethod = 0x15,

    /// <summary>Binary data; CONNECT, CONNACK, AUTH.</summary>
    AuthenticationData = 0x16,

    /// <summary>Byte; CONNECT.</summary>
    RequestProblemInformation = 0x17,

    /// <summary>Four byte integer; Will properties.</summary>
    WillDelayInterval = 0x18,

    /// <summary>Byte; CONNECT.</summary>
    RequestResponseInformation = 0x19,

    /// <summary>UTF-8 string; CONNACK.</summary>
    ResponseInformation = 0x1A,

    /// <summary>UTF-8 string; CONNACK, DISCONNECT.</summary>
    ServerReference = 0x1C,

    /// <summary>UTF-8 string; CONNACK, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK, DISCONNECT, AUTH.</summary>
    ReasonString = 0x1F,

    /// <summary>Two byte integer; CONNECT, CONNACK.</summary>
    ReceiveMaximum = 0x21,

    /// <summary>Two byte integer; CONNECT, CONNACK.</summary>
    TopicAliasMaximum = 0x22,

    /// <summary>Two byte integer; PUBLISH.</summary>
    TopicAlias = 0x23,

    /// <summary>Byte; CONNACK.</summary>
    MaximumQoS = 0x24,

    /// <summary>Byte; CONNACK.</summary>
    RetainAvailable = 0x25,

    /// <summary>UTF-8 string pair; every packet with properties.</summary>
    UserProperty = 0x26,

    /// <summary>Four byte integer; CONNECT, CONNACK.</summary>
    MaximumPacketSize = 0x27,

    /// <summary>Byte; CONNACK.</summary>
    WildcardSubscriptionAvailable = 0x28,

    /// <summary>Byte; CONNACK.</summary>
    SubscriptionIdentifierAvailable = 0x29,

    /// <summary>Byte; CONNACK.</summary>
    SharedSubscriptionAvailable = 0x2A,
}
