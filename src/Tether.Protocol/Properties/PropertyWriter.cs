namespace Tether.Protocol;

/// <summary>Sizes and writes a 5.0 property list (§2.2.2). The caller decides which properties a packet carries.</summary>
internal static class PropertyWriter
{
    private const int ByteProperty = 2;
    private const int UInt16Property = 3;
    private const int UInt32Property = 5;

    /// <summary>Length of the property list, without its own length prefix.</summary>
    public static int GetContentSize(MqttProperties? p)
    {
        if (p is null)
        {
            return 0;
        }

        var size = 0;
        size += p.PayloadFormatIndicator is null ? 0 : ByteProperty;
        size += p.MessageExpiryInterval is null ? 0 : UInt32Property;
        size += StringSize(p.ContentType);
        size += StringSize(p.ResponseTopic);
        size += BinarySize(p.CorrelationData);
        foreach (var id in p.SubscriptionIdentifiers)
        {
            size += 1 + VariableByteInteger.GetSize((int)id);
        }

        size += p.SessionExpiryInterval is null ? 0 : UInt32Property;
        size += StringSize(p.AssignedClientIdentifier);
        size += p.ServerKeepAlive is null ? 0 : UInt16Property;
        size += StringSize(p.AuthenticationMethod);
        size += BinarySize(p.AuthenticationData);
        size += p.RequestProblemInformation is null ? 0 : ByteProperty;
        size += p.WillDelayInterval is null ? 0 : UInt32Property;
        size += p.RequestResponseInformation is null ? 0 : ByteProperty;
        size += StringSize(p.ResponseInformation);
        size += StringSize(p.ServerReference);
        size += StringSize(p.ReasonString);
        size += p.ReceiveMaximum is null ? 0 : UInt16Property;
        size += p.TopicAliasMaximum is null ? 0 : UInt16Property;
        size += p.TopicAlias is null ? 0 : UInt16Property;
        size += p.MaximumQoS is null ? 0 : ByteProperty;
        size += p.RetainAvailable is null ? 0 : ByteProperty;
        foreach (var user in p.UserProperties)
        {
            size += 1 + 2 + user.Name.Length + 2 + user.Value.Length;
        }

        size += p.MaximumPacketSize is null ? 0 : UInt32Property;
        size += p.WildcardSubscriptionAvailable is null ? 0 : ByteProperty;
        size += p.SubscriptionIdentifierAvailable is null ? 0 : ByteProperty;
        size += p.SharedSubscriptionAvailable is null ? 0 : ByteProperty;
        return size;
    }

    /// <summary>Length of the property list including its variable byte integer length prefix.</summary>
    public static int GetSize(MqttProperties? p, out int contentSize)
    {
        contentSize = GetContentSize(p);
        return VariableByteInteger.GetSize(contentSize) + contentSize;
    }

    public static void Write(ref SpanWriter w, MqttProperties? p, int contentSize)
    {
        w.WriteVariableByteInteger(contentSize);
        if (p is null || contentSize == 0)
        {
            return;
        }

        WriteByte(ref w, PropertyId.PayloadFormatIndicator, p.PayloadFormatIndicator);
        WriteUInt32(ref w, PropertyId.MessageExpiryInterval, p.MessageExpiryInterval);
        WriteString(ref w, PropertyId.ContentType, p.ContentType);
        WriteString(ref w, PropertyId.ResponseTopic, p.ResponseTopic);
        WriteBinary(ref w, PropertyId.CorrelationData, p.CorrelationData);
        foreach (var id in p.SubscriptionIdentifiers)
        {
            w.WriteByte((byte)PropertyId.SubscriptionIdentifier);
            w.WriteVariableByteInteger((int)id);
        }

        WriteUInt32(ref w, PropertyId.SessionExpiryInterval, p.SessionExpiryInterval);
        WriteString(ref w, PropertyId.AssignedClientIdentifier, p.AssignedClientIdentifier);
        WriteUInt16(ref w, PropertyId.ServerKeepAlive, p.ServerKeepAlive);
        WriteString(ref w, PropertyId.AuthenticationMethod, p.AuthenticationMethod);
        WriteBinary(ref w, PropertyId.AuthenticationData, p.AuthenticationData);
        WriteByte(ref w, PropertyId.RequestProblemInformation, p.RequestProblemInformation);
        WriteUInt32(ref w, PropertyId.WillDelayInterval, p.WillDelayInterval);
        WriteByte(ref w, PropertyId.RequestResponseInformation, p.RequestResponseInformation);
        WriteString(ref w, PropertyId.ResponseInformation, p.ResponseInformation);
        WriteString(ref w, PropertyId.ServerReference, p.ServerReference);
        WriteString(ref w, PropertyId.ReasonString, p.ReasonString);
        WriteUInt16(ref w, PropertyId.ReceiveMaximum, p.ReceiveMaximum);
        WriteUInt16(ref w, PropertyId.TopicAliasMaximum, p.TopicAliasMaximum);
        WriteUInt16(ref w, PropertyId.TopicAlias, p.TopicAlias);
        WriteByte(ref w, PropertyId.MaximumQoS, p.MaximumQoS);
        WriteByte(ref w, PropertyId.RetainAvailable, p.RetainAvailable);
        foreach (var user in p.UserProperties)
        {
            w.WriteByte((byte)PropertyId.UserProperty);
            w.WriteBinary(user.Name.Span);
            w.WriteBinary(user.Value.Span);
        }

        WriteUInt32(ref w, PropertyId.MaximumPacketSize, p.MaximumPacketSize);
        WriteByte(ref w, PropertyId.WildcardSubscriptionAvailable, p.WildcardSubscriptionAvailable);
        WriteByte(ref w, PropertyId.SubscriptionIdentifierAvailable, p.SubscriptionIdentifierAvailable);
        WriteByte(ref w, PropertyId.SharedSubscriptionAvailable, p.SharedSubscriptionAvailable);
    }

    /// <summary>
    /// Where <see cref="Write"/> puts the four-byte message expiry interval value, counted from the start of the
    /// list's length prefix; -1 when there is none. Follows the order of <see cref="Write"/>: the length, then the
    /// payload format indicator, then the expiry interval.
    /// </summary>
    public static int MessageExpiryValueOffset(MqttProperties? p, int contentSize)
    {
        if (p?.MessageExpiryInterval is null)
        {
            return -1;
        }

        return VariableByteInteger.GetSize(contentSize) + (p.PayloadFormatIndicator is null ? 0 : ByteProperty) + 1;
    }

    private static int StringSize(Utf8Text? value) => value is { } text ? 1 + 2 + text.Length : 0;

    private static int BinarySize(ReadOnlyMemory<byte>? value) => value is { } bytes ? 1 + 2 + bytes.Length : 0;

    private static void WriteByte(ref SpanWriter w, PropertyId id, byte? value)
    {
        if (value is { } v)
        {
            w.WriteByte((byte)id);
            w.WriteByte(v);
        }
    }

    private static void WriteUInt16(ref SpanWriter w, PropertyId id, ushort? value)
    {
        if (value is { } v)
        {
            w.WriteByte((byte)id);
            w.WriteUInt16(v);
        }
    }

    private static void WriteUInt32(ref SpanWriter w, PropertyId id, uint? value)
    {
        if (value is { } v)
        {
            w.WriteByte((byte)id);
            w.WriteUInt32(v);
        }
    }

    private static void WriteString(ref SpanWriter w, PropertyId id, Utf8Text? value)
    {
        if (value is { } v)
        {
            w.WriteByte((byte)id);
            w.WriteBinary(v.Span);
        }
    }

    private static void WriteBinary(ref SpanWriter w, PropertyId id, ReadOnlyMemory<byte>? value)
    {
        if (value is { } v)
        {
            w.WriteByte((byte)id);
            w.WriteBinary(v.Span);
        }
    }
}
