using CsCheck;

namespace Tether.Protocol.Tests.Properties;

/// <summary>
/// CsCheck generators for MQTT field values that a conforming peer may send: strings that are well-formed
/// UTF-8 without U+0000 (§1.5.4), topic names and filters that obey §4.7, and 5.0 property lists holding only
/// the identifiers that §2.2.2.2 allows in the packet at hand, with the values the parser accepts.
/// </summary>
internal static class MqttGen
{
    // One-, two-, three- and four-byte UTF-8 sequences, a BOM that must pass through unchanged [MQTT-1.5.4-3], and
    // control characters that are only "SHOULD NOT". No U+0000 [MQTT-1.5.4-2], no lone surrogate [MQTT-1.5.4-1].
    private static readonly string[] LevelFragments =
        ["a", "Z", "0", "9", " ", "-", "_", ".", "é", "ß", "€", "中", "\uFEFF", "😀", "\u007F", "\u0001", "$"];

    private static readonly string[] TextFragments = [.. LevelFragments, "/", "+", "#"];

    /// <summary>A short string of any valid characters, possibly empty.</summary>
    public static readonly Gen<string> Text = Gen.OneOfConst(TextFragments).Array[0, 10].Select(parts => string.Concat(parts));

    /// <summary>A string of any valid characters, as the bytes the codec carries.</summary>
    public static readonly Gen<Utf8Text> Utf8 = Text.Select(Utf8Text.FromString);

    /// <summary>Binary data (§1.5.6), possibly empty.</summary>
    public static readonly Gen<ReadOnlyMemory<byte>> Binary = Gen.Byte.Array[0, 24].Select(bytes => new ReadOnlyMemory<byte>(bytes));

    /// <summary>One topic level: no separator, no wildcard; may be empty.</summary>
    private static readonly Gen<string> Level = Gen.OneOfConst(LevelFragments).Array[0, 6].Select(parts => string.Concat(parts));

    /// <summary>A topic name for PUBLISH: non-empty [MQTT-4.7.3-1], no wildcards [MQTT-3.3.2-2]; empty levels allowed.</summary>
    public static readonly Gen<string> TopicName =
        Gen.Frequency(
            (6, Level.Array[1, 5].Select(levels => string.Join('/', levels))),
            (1, Level.Array[0, 3].Select(levels => string.Join('/', ["$SYS", .. levels]))))
        .Select(topic => topic.Length == 0 ? "t" : topic);

    private static readonly Gen<string> FilterLevel = Gen.Frequency((5, Level), (2, Gen.Const("+")));

    /// <summary>A filter without the share prefix: <c>+</c> only as a whole level, <c>#</c> only as the whole last level [MQTT-4.7.1-2], [MQTT-4.7.1-3].</summary>
    private static readonly Gen<string> PlainFilter =
        Gen.Select(FilterLevel.Array[1, 5], Gen.Int[0, 3], (levels, hash) =>
        {
            var filter = hash == 0 ? string.Join('/', [.. levels, "#"]) : string.Join('/', levels);
            return filter.Length == 0 ? "#" : filter;
        });

    /// <summary>A group name for <c>$share/{group}/</c>: non-empty, without wildcards or separators [MQTT-4.8.2-1], [MQTT-4.8.2-2].</summary>
    private static readonly Gen<string> ShareGroup = Level.Select(group => group.Length == 0 ? "g" : group);

    /// <summary>A topic filter for SUBSCRIBE or UNSUBSCRIBE, sometimes a shared subscription.</summary>
    public static readonly Gen<string> TopicFilter =
        Gen.Frequency(
            (6, PlainFilter),
            (1, Gen.Select(ShareGroup, PlainFilter, (group, filter) => $"$share/{group}/{filter}")));

    /// <summary>A value spread over every encoded length of a variable byte integer (§1.5.5).</summary>
    public static readonly Gen<int> VariableByteIntegerValue =
        Gen.OneOf(Gen.Int[0, 127], Gen.Int[128, 16_383], Gen.Int[16_384, 2_097_151], Gen.Int[2_097_152, VariableByteInteger.MaxValue]);

    private static readonly Gen<byte> Flag = Gen.Byte[0, 1];

    private static readonly Gen<ushort> NonZeroUInt16 = Gen.UShort[1, ushort.MaxValue];

    private static Gen<Action<MqttProperties>> Set<T>(Gen<T> value, Action<MqttProperties, T> assign) =>
        value.Select(v => (Action<MqttProperties>)(p => assign(p, v)));

    private static readonly Gen<Action<MqttProperties>> PayloadFormatIndicator = Set(Flag, (p, v) => p.PayloadFormatIndicator = v);
    private static readonly Gen<Action<MqttProperties>> MessageExpiryInterval = Set(Gen.UInt, (p, v) => p.MessageExpiryInterval = v);
    private static readonly Gen<Action<MqttProperties>> ContentType = Set(Utf8, (p, v) => p.ContentType = v);
    private static readonly Gen<Action<MqttProperties>> ResponseTopic = Set(TopicName, (p, v) => p.ResponseTopic = Utf8Text.FromString(v));
    private static readonly Gen<Action<MqttProperties>> CorrelationData = Set(Binary, (p, v) => p.CorrelationData = v);

    // PUBLISH may carry several subscription identifiers (one per matching subscription); SUBSCRIBE at most one (§3.8.2.1.2).
    private static readonly Gen<int> SubscriptionIdentifierValue = VariableByteIntegerValue.Select(v => Math.Max(v, 1));
    private static readonly Gen<Action<MqttProperties>> SubscriptionIdentifiers =
        Set(SubscriptionIdentifierValue.Array[1, 3], (p, ids) => { foreach (var id in ids) { p.SubscriptionIdentifiers.Add((uint)id); } });
    private static readonly Gen<Action<MqttProperties>> SubscriptionIdentifier =
        Set(SubscriptionIdentifierValue, (p, id) => p.SubscriptionIdentifiers.Add((uint)id));

    private static readonly Gen<Action<MqttProperties>> SessionExpiryInterval = Set(Gen.UInt, (p, v) => p.SessionExpiryInterval = v);
    private static readonly Gen<Action<MqttProperties>> AssignedClientIdentifier = Set(Utf8, (p, v) => p.AssignedClientIdentifier = v);
    private static readonly Gen<Action<MqttProperties>> ServerKeepAlive = Set(Gen.UShort, (p, v) => p.ServerKeepAlive = v);

    // Authentication data only comes with a method (§3.1.2.11.10: data without a method is a protocol error in CONNECT).
    private static readonly Gen<Action<MqttProperties>> Authentication = Set(
        Gen.Select(Utf8, Binary, Gen.Bool),
        (p, v) =>
        {
            p.AuthenticationMethod = v.Item1;
            p.AuthenticationData = v.Item3 ? (ReadOnlyMemory<byte>?)v.Item2 : null;
        });

    private static readonly Gen<Action<MqttProperties>> RequestProblemInformation = Set(Flag, (p, v) => p.RequestProblemInformation = v);
    private static readonly Gen<Action<MqttProperties>> WillDelayInterval = Set(Gen.UInt, (p, v) => p.WillDelayInterval = v);
    private static readonly Gen<Action<MqttProperties>> RequestResponseInformation = Set(Flag, (p, v) => p.RequestResponseInformation = v);
    private static readonly Gen<Action<MqttProperties>> ResponseInformation = Set(Utf8, (p, v) => p.ResponseInformation = v);
    private static readonly Gen<Action<MqttProperties>> ServerReference = Set(Utf8, (p, v) => p.ServerReference = v);
    private static readonly Gen<Action<MqttProperties>> ReasonString = Set(Utf8, (p, v) => p.ReasonString = v);
    private static readonly Gen<Action<MqttProperties>> ReceiveMaximum = Set(NonZeroUInt16, (p, v) => p.ReceiveMaximum = v);
    private static readonly Gen<Action<MqttProperties>> TopicAliasMaximum = Set(Gen.UShort, (p, v) => p.TopicAliasMaximum = v);
    private static readonly Gen<Action<MqttProperties>> TopicAlias = Set(NonZeroUInt16, (p, v) => p.TopicAlias = v);
    private static readonly Gen<Action<MqttProperties>> MaximumQoS = Set(Flag, (p, v) => p.MaximumQoS = v);
    private static readonly Gen<Action<MqttProperties>> RetainAvailable = Set(Flag, (p, v) => p.RetainAvailable = v);
    private static readonly Gen<Action<MqttProperties>> MaximumPacketSize = Set(Gen.UInt[1, uint.MaxValue], (p, v) => p.MaximumPacketSize = v);
    private static readonly Gen<Action<MqttProperties>> WildcardSubscriptionAvailable = Set(Flag, (p, v) => p.WildcardSubscriptionAvailable = v);
    private static readonly Gen<Action<MqttProperties>> SubscriptionIdentifierAvailable = Set(Flag, (p, v) => p.SubscriptionIdentifierAvailable = v);
    private static readonly Gen<Action<MqttProperties>> SharedSubscriptionAvailable = Set(Flag, (p, v) => p.SharedSubscriptionAvailable = v);

    // Order and duplicates of user properties are significant (§3.3.2.3.7), so several, with repeats, are generated.
    private static readonly Gen<Action<MqttProperties>> UserProperties = Set(
        Gen.Select(Utf8, Utf8).Array[1, 3],
        (p, pairs) => { foreach (var (name, value) in pairs) { p.UserProperties.Add(new UserProperty(name, value)); } });

    /// <summary>Fills nothing: the property list of packets before 5.0.</summary>
    public static readonly Gen<Action<MqttProperties>> NoProperties = Gen.Const<Action<MqttProperties>>(_ => { });

    // The rows of the table in §2.2.2.2, one list per place a property list can appear.
    public static readonly Gen<Action<MqttProperties>> PublishProperties = Combine(
        PayloadFormatIndicator, MessageExpiryInterval, ContentType, ResponseTopic, CorrelationData, SubscriptionIdentifiers,
        TopicAlias, UserProperties);

    public static readonly Gen<Action<MqttProperties>> WillProperties = Combine(
        PayloadFormatIndicator, MessageExpiryInterval, ContentType, ResponseTopic, CorrelationData, WillDelayInterval, UserProperties);

    public static readonly Gen<Action<MqttProperties>> ConnectProperties = Combine(
        SessionExpiryInterval, Authentication, RequestProblemInformation, RequestResponseInformation, ReceiveMaximum,
        TopicAliasMaximum, UserProperties, MaximumPacketSize);

    public static readonly Gen<Action<MqttProperties>> ConnAckProperties = Combine(
        SessionExpiryInterval, AssignedClientIdentifier, ServerKeepAlive, Authentication, ResponseInformation, ServerReference,
        ReasonString, ReceiveMaximum, TopicAliasMaximum, MaximumQoS, RetainAvailable, UserProperties, MaximumPacketSize,
        WildcardSubscriptionAvailable, SubscriptionIdentifierAvailable, SharedSubscriptionAvailable);

    /// <summary>PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK and UNSUBACK: a reason string and user properties.</summary>
    public static readonly Gen<Action<MqttProperties>> AckProperties = Combine(ReasonString, UserProperties);

    public static readonly Gen<Action<MqttProperties>> SubscribeProperties = Combine(SubscriptionIdentifier, UserProperties);

    public static readonly Gen<Action<MqttProperties>> UnsubscribeProperties = Combine(UserProperties);

    public static readonly Gen<Action<MqttProperties>> DisconnectProperties = Combine(
        SessionExpiryInterval, ServerReference, ReasonString, UserProperties);

    public static readonly Gen<Action<MqttProperties>> AuthProperties = Combine(Authentication, ReasonString, UserProperties);

    /// <summary>Each setter is applied with probability 3/8, so lists range from empty to full.</summary>
    private static Gen<Action<MqttProperties>> Combine(params Gen<Action<MqttProperties>>[] setters)
    {
        var all = Gen.Const(Array.Empty<Action<MqttProperties>>());
        foreach (var setter in setters)
        {
            var optional = Gen.Frequency((3, setter), (5, NoProperties));
            all = Gen.Select(all, optional, (list, one) => (Action<MqttProperties>[])[.. list, one]);
        }

        return all.Select(list => (Action<MqttProperties>)(p =>
        {
            foreach (var set in list)
            {
                set(p);
            }
        }));
    }
}
