namespace Tether.Protocol;

/// <summary>Parses a 5.0 property list (§2.2.2) into <see cref="MqttProperties"/>, enforcing which identifiers a packet may carry.</summary>
internal static class PropertyReader
{
    public static bool TryRead(ref BodyReader reader, MqttProperties target, PropertyScope scope)
    {
        if (!reader.TryReadVariableByteInteger(out var length))
        {
            return false;
        }

        if (length > reader.Remaining)
        {
            return reader.Fail(ProtocolError.Malformed("property length exceeds the packet"));
        }

        var list = new BodyReader(reader.RemainingMemory[..length]);
        reader.Skip(length);
        ulong seen = 0;
        while (!list.End)
        {
            if (!list.TryReadVariableByteInteger(out var rawId))
            {
                return reader.Fail(list.Error);
            }

            if (!TryReadOne(ref list, target, scope, rawId, ref seen))
            {
                return reader.Fail(list.Error);
            }
        }

        return true;
    }

    private static bool TryReadOne(ref BodyReader r, MqttProperties p, PropertyScope scope, int rawId, ref ulong seen)
    {
        var id = (PropertyId)rawId;
        var allowed = AllowedScopes(id);
        if (rawId > 0x7F || allowed == PropertyScope.None || (allowed & scope) == 0)
        {
            return r.Fail(ProtocolError.Malformed("property identifier not valid for this packet"));
        }

        var bit = 1UL << rawId;
        var repeatable = id == PropertyId.UserProperty || (id == PropertyId.SubscriptionIdentifier && scope == PropertyScope.Publish);
        if (!repeatable && (seen & bit) != 0)
        {
            // It is a Protocol Error to include any property other than these two more than once (§2.2.2.2).
            return r.Fail(ProtocolError.Violation("property appears more than once"));
        }

        seen |= bit;
        switch (id)
        {
            case PropertyId.PayloadFormatIndicator:
                return ReadFlag(ref r, out var pfi) && Assign(p.PayloadFormatIndicator = pfi);
            case PropertyId.MessageExpiryInterval:
                return r.TryReadUInt32(out var expiry) && Assign(p.MessageExpiryInterval = expiry);
            case PropertyId.ContentType:
                return r.TryReadUtf8(out var contentType) && Assign(p.ContentType = contentType);
            case PropertyId.ResponseTopic:
                if (!r.TryReadUtf8(out var responseTopic))
                {
                    return false;
                }

                if (!TopicRules.IsValidTopicName(responseTopic.Span))
                {
                    return r.Fail(ProtocolError.Violation("response topic is not a valid topic name"));
                }

                p.ResponseTopic = responseTopic;
                return true;
            case PropertyId.CorrelationData:
                return r.TryReadBinary(out var correlation) && Assign(p.CorrelationData = correlation);
            case PropertyId.SubscriptionIdentifier:
                if (!r.TryReadVariableByteInteger(out var subscriptionId))
                {
                    return false;
                }

                if (subscriptionId == 0)
                {
                    return r.Fail(ProtocolError.Violation("subscription identifier 0"));
                }

                p.SubscriptionIdentifiers.Add((uint)subscriptionId);
                return true;
            case PropertyId.SessionExpiryInterval:
                return r.TryReadUInt32(out var sessionExpiry) && Assign(p.SessionExpiryInterval = sessionExpiry);
            case PropertyId.AssignedClientIdentifier:
                return r.TryReadUtf8(out var assigned) && Assign(p.AssignedClientIdentifier = assigned);
            case PropertyId.ServerKeepAlive:
                return r.TryReadUInt16(out var serverKeepAlive) && Assign(p.ServerKeepAlive = serverKeepAlive);
            case PropertyId.AuthenticationMethod:
                return r.TryReadUtf8(out var method) && Assign(p.AuthenticationMethod = method);
            case PropertyId.AuthenticationData:
                return r.TryReadBinary(out var authData) && Assign(p.AuthenticationData = authData);
            case PropertyId.RequestProblemInformation:
                return ReadFlag(ref r, out var problem) && Assign(p.RequestProblemInformation = problem);
            case PropertyId.WillDelayInterval:
                return r.TryReadUInt32(out var willDelay) && Assign(p.WillDelayInterval = willDelay);
            case PropertyId.RequestResponseInformation:
                return ReadFlag(ref r, out var requestResponse) && Assign(p.RequestResponseInformation = requestResponse);
            case PropertyId.ResponseInformation:
                return r.TryReadUtf8(out var responseInfo) && Assign(p.ResponseInformation = responseInfo);
            case PropertyId.ServerReference:
                return r.TryReadUtf8(out var serverReference) && Assign(p.ServerReference = serverReference);
            case PropertyId.ReasonString:
                return r.TryReadUtf8(out var reason) && Assign(p.ReasonString = reason);
            case PropertyId.ReceiveMaximum:
                return ReadNonZeroUInt16(ref r, "receive maximum 0", out var receiveMaximum) && Assign(p.ReceiveMaximum = receiveMaximum);
            case PropertyId.TopicAliasMaximum:
                return r.TryReadUInt16(out var aliasMaximum) && Assign(p.TopicAliasMaximum = aliasMaximum);
            case PropertyId.TopicAlias:
                // [MQTT-3.3.2-8]: a topic alias of 0 is a protocol error.
                return ReadNonZeroUInt16(ref r, "topic alias 0", out var alias) && Assign(p.TopicAlias = alias);
            case PropertyId.MaximumQoS:
                return ReadFlag(ref r, out var maximumQoS) && Assign(p.MaximumQoS = maximumQoS);
            case PropertyId.RetainAvailable:
                return ReadFlag(ref r, out var retainAvailable) && Assign(p.RetainAvailable = retainAvailable);
            case PropertyId.UserProperty:
                if (!r.TryReadUtf8(out var name) || !r.TryReadUtf8(out var value))
                {
                    return false;
                }

                p.UserProperties.Add(new UserProperty(name, value));
                return true;
            case PropertyId.MaximumPacketSize:
                if (!r.TryReadUInt32(out var maximumPacketSize))
                {
                    return false;
                }

                if (maximumPacketSize == 0)
                {
                    return r.Fail(ProtocolError.Violation("maximum packet size 0"));
                }

                p.MaximumPacketSize = maximumPacketSize;
                return true;
            case PropertyId.WildcardSubscriptionAvailable:
                return ReadFlag(ref r, out var wildcard) && Assign(p.WildcardSubscriptionAvailable = wildcard);
            case PropertyId.SubscriptionIdentifierAvailable:
                return ReadFlag(ref r, out var subscriptionIds) && Assign(p.SubscriptionIdentifierAvailable = subscriptionIds);
            case PropertyId.SharedSubscriptionAvailable:
                return ReadFlag(ref r, out var shared) && Assign(p.SharedSubscriptionAvailable = shared);
            default:
                return r.Fail(ProtocolError.Malformed("unknown property identifier"));
        }
    }

    // Lets each case above stay a single expression; the assignment already happened as the argument.
    private static bool Assign<T>(T _) => true;

    /// <summary>Byte properties in this table are all booleans or a QoS of 0/1: any other value is a protocol error.</summary>
    private static bool ReadFlag(ref BodyReader r, out byte value)
    {
        if (!r.TryReadByte(out value))
        {
            return false;
        }

        return value <= 1 || r.Fail(ProtocolError.Violation("property value must be 0 or 1"));
    }

    private static bool ReadNonZeroUInt16(ref BodyReader r, string error, out ushort value)
    {
        if (!r.TryReadUInt16(out value))
        {
            return false;
        }

        return value != 0 || r.Fail(ProtocolError.Violation(error));
    }

    public static PropertyScope AllowedScopes(PropertyId id) => id switch
    {
        PropertyId.PayloadFormatIndicator or PropertyId.MessageExpiryInterval or PropertyId.ContentType
            or PropertyId.ResponseTopic or PropertyId.CorrelationData => PropertyScope.Publish | PropertyScope.Will,
        PropertyId.SubscriptionIdentifier => PropertyScope.Publish | PropertyScope.Subscribe,
        PropertyId.SessionExpiryInterval => PropertyScope.Connect | PropertyScope.ConnAck | PropertyScope.Disconnect,
        PropertyId.AssignedClientIdentifier or PropertyId.ServerKeepAlive or PropertyId.ResponseInformation
            or PropertyId.MaximumQoS or PropertyId.RetainAvailable or PropertyId.WildcardSubscriptionAvailable
            or PropertyId.SubscriptionIdentifierAvailable or PropertyId.SharedSubscriptionAvailable => PropertyScope.ConnAck,
        PropertyId.AuthenticationMethod or PropertyId.AuthenticationData => PropertyScope.Connect | PropertyScope.ConnAck | PropertyScope.Auth,
        PropertyId.RequestProblemInformation or PropertyId.RequestResponseInformation => PropertyScope.Connect,
        PropertyId.WillDelayInterval => PropertyScope.Will,
        PropertyId.ServerReference => PropertyScope.ConnAck | PropertyScope.Disconnect,
        PropertyId.ReasonString => PropertyScope.ConnAck | PropertyScope.Ack | PropertyScope.SubAck | PropertyScope.UnsubAck
            | PropertyScope.Disconnect | PropertyScope.Auth,
        PropertyId.ReceiveMaximum or PropertyId.TopicAliasMaximum or PropertyId.MaximumPacketSize => PropertyScope.Connect | PropertyScope.ConnAck,
        PropertyId.TopicAlias => PropertyScope.Publish,
        PropertyId.UserProperty => PropertyScope.All,
        _ => PropertyScope.None,
    };
}
