namespace Tether.Protocol;

/// <summary>
/// The MQTT 5.0 properties of one packet. Absent properties are <see langword="null"/>. Properties that
/// the parser fills are borrowed from the input buffer for PUBLISH and acknowledgement packets (see
/// <see cref="MqttPacketReader"/>); call <see cref="ToOwned"/> to keep them.
/// </summary>
public sealed class MqttProperties
{
    /// <summary>0x01: 0 = unspecified bytes, 1 = UTF-8 payload.</summary>
    public byte? PayloadFormatIndicator { get; set; }

    /// <summary>0x02: lifetime of the message in seconds.</summary>
    public uint? MessageExpiryInterval { get; set; }

    /// <summary>0x03: MIME type of the payload.</summary>
    public Utf8Text? ContentType { get; set; }

    /// <summary>0x08: topic name for a response.</summary>
    public Utf8Text? ResponseTopic { get; set; }

    /// <summary>0x09: binary correlation data for request/response.</summary>
    public ReadOnlyMemory<byte>? CorrelationData { get; set; }

    /// <summary>0x0B: subscription identifiers (one in SUBSCRIBE, one or more in PUBLISH).</summary>
    public List<uint> SubscriptionIdentifiers { get; } = [];

    /// <summary>0x11: session expiry interval in seconds.</summary>
    public uint? SessionExpiryInterval { get; set; }

    /// <summary>0x12: client identifier assigned by the server.</summary>
    public Utf8Text? AssignedClientIdentifier { get; set; }

    /// <summary>0x13: keep alive imposed by the server, in seconds.</summary>
    public ushort? ServerKeepAlive { get; set; }

    /// <summary>0x15: name of the enhanced authentication method.</summary>
    public Utf8Text? AuthenticationMethod { get; set; }

    /// <summary>0x16: authentication data.</summary>
    public ReadOnlyMemory<byte>? AuthenticationData { get; set; }

    /// <summary>0x17: whether the server may send reason strings and user properties on failures.</summary>
    public byte? RequestProblemInformation { get; set; }

    /// <summary>0x18: delay before the will is published, in seconds.</summary>
    public uint? WillDelayInterval { get; set; }

    /// <summary>0x19: whether the client asks for response information in CONNACK.</summary>
    public byte? RequestResponseInformation { get; set; }

    /// <summary>0x1A: basis for creating response topics.</summary>
    public Utf8Text? ResponseInformation { get; set; }

    /// <summary>0x1C: another server to use.</summary>
    public Utf8Text? ServerReference { get; set; }

    /// <summary>0x1F: human readable reason.</summary>
    public Utf8Text? ReasonString { get; set; }

    /// <summary>0x21: how many QoS 1 and 2 publications the sender will process concurrently.</summary>
    public ushort? ReceiveMaximum { get; set; }

    /// <summary>0x22: highest topic alias the sender accepts.</summary>
    public ushort? TopicAliasMaximum { get; set; }

    /// <summary>0x23: topic alias of this PUBLISH.</summary>
    public ushort? TopicAlias { get; set; }

    /// <summary>0x24: highest QoS the server supports (0 or 1; absent means 2).</summary>
    public byte? MaximumQoS { get; set; }

    /// <summary>0x25: whether the server supports retained messages.</summary>
    public byte? RetainAvailable { get; set; }

    /// <summary>0x26: user properties in wire order.</summary>
    public List<UserProperty> UserProperties { get; } = [];

    /// <summary>0x27: largest packet the sender accepts, in bytes.</summary>
    public uint? MaximumPacketSize { get; set; }

    /// <summary>0x28: whether the server supports wildcard subscriptions.</summary>
    public byte? WildcardSubscriptionAvailable { get; set; }

    /// <summary>0x29: whether the server supports subscription identifiers.</summary>
    public byte? SubscriptionIdentifierAvailable { get; set; }

    /// <summary>0x2A: whether the server supports shared subscriptions.</summary>
    public byte? SharedSubscriptionAvailable { get; set; }

    /// <summary>Whether no property is set.</summary>
    public bool IsEmpty =>
        PayloadFormatIndicator is null && MessageExpiryInterval is null && ContentType is null &&
        ResponseTopic is null && CorrelationData is null && SubscriptionIdentifiers.Count == 0 &&
        SessionExpiryInterval is null && AssignedClientIdentifier is null && ServerKeepAlive is null &&
        AuthenticationMethod is null && AuthenticationData is null && RequestProblemInformation is null &&
        WillDelayInterval is null && RequestResponseInformation is null && ResponseInformation is null &&
        ServerReference is null && ReasonString is null && ReceiveMaximum is null &&
        TopicAliasMaximum is null && TopicAlias is null && MaximumQoS is null && RetainAvailable is null &&
        UserProperties.Count == 0 && MaximumPacketSize is null && WildcardSubscriptionAvailable is null &&
        SubscriptionIdentifierAvailable is null && SharedSubscriptionAvailable is null;

    /// <summary>Removes every property, keeping the list capacity so that reuse does not allocate.</summary>
    public void Clear()
    {
        PayloadFormatIndicator = null;
        MessageExpiryInterval = null;
        ContentType = null;
        ResponseTopic = null;
        CorrelationData = null;
        SubscriptionIdentifiers.Clear();
        SessionExpiryInterval = null;
        AssignedClientIdentifier = null;
        ServerKeepAlive = null;
        AuthenticationMethod = null;
        AuthenticationData = null;
        RequestProblemInformation = null;
        WillDelayInterval = null;
        RequestResponseInformation = null;
        ResponseInformation = null;
        ServerReference = null;
        ReasonString = null;
        ReceiveMaximum = null;
        TopicAliasMaximum = null;
        TopicAlias = null;
        MaximumQoS = null;
        RetainAvailable = null;
        UserProperties.Clear();
        MaximumPacketSize = null;
        WildcardSubscriptionAvailable = null;
        SubscriptionIdentifierAvailable = null;
        SharedSubscriptionAvailable = null;
    }

    /// <summary>A deep copy that owns all its bytes.</summary>
    public MqttProperties ToOwned()
    {
        var copy = new MqttProperties();
        CopyTo(copy);
        return copy;
    }

    /// <summary>Copies every property into <paramref name="target"/>, which then owns its bytes.</summary>
    public void CopyTo(MqttProperties target)
    {
        ArgumentNullException.ThrowIfNull(target);
        target.Clear();
        target.PayloadFormatIndicator = PayloadFormatIndicator;
        target.MessageExpiryInterval = MessageExpiryInterval;
        target.ContentType = ContentType?.ToOwned();
        target.ResponseTopic = ResponseTopic?.ToOwned();
        target.CorrelationData = CopyBinary(CorrelationData);
        target.SubscriptionIdentifiers.AddRange(SubscriptionIdentifiers);
        target.SessionExpiryInterval = SessionExpiryInterval;
        target.AssignedClientIdentifier = AssignedClientIdentifier?.ToOwned();
        target.ServerKeepAlive = ServerKeepAlive;
        target.AuthenticationMethod = AuthenticationMethod?.ToOwned();
        target.AuthenticationData = CopyBinary(AuthenticationData);
        target.RequestProblemInformation = RequestProblemInformation;
        target.WillDelayInterval = WillDelayInterval;
        target.RequestResponseInformation = RequestResponseInformation;
        target.ResponseInformation = ResponseInformation?.ToOwned();
        target.ServerReference = ServerReference?.ToOwned();
        target.ReasonString = ReasonString?.ToOwned();
        target.ReceiveMaximum = ReceiveMaximum;
        target.TopicAliasMaximum = TopicAliasMaximum;
        target.TopicAlias = TopicAlias;
        target.MaximumQoS = MaximumQoS;
        target.RetainAvailable = RetainAvailable;
        foreach (var property in UserProperties)
        {
            target.UserProperties.Add(property.ToOwned());
        }

        target.MaximumPacketSize = MaximumPacketSize;
        target.WildcardSubscriptionAvailable = WildcardSubscriptionAvailable;
        target.SubscriptionIdentifierAvailable = SubscriptionIdentifierAvailable;
        target.SharedSubscriptionAvailable = SharedSubscriptionAvailable;
    }

    /// <summary>
    /// Copies a binary property, keeping an absent one absent. <c>value?.ToArray()</c> would not: its null
    /// <c>byte[]</c> converts to an empty but present <see cref="ReadOnlyMemory{T}"/>, so the copy would gain a
    /// zero-length property that the original did not have (and that a PUBLISH may not carry, for authentication data).
    /// </summary>
    private static ReadOnlyMemory<byte>? CopyBinary(ReadOnlyMemory<byte>? value)
    {
        if (value is not { } bytes)
        {
            return null;
        }

        return bytes.ToArray();
    }
}
