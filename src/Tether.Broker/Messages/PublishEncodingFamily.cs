using Tether.Protocol;

namespace Tether.Broker;

/// <summary>
/// Receivers whose PUBLISH of a message has the same bytes apart from fixed header and packet identifier, so one
/// <see cref="EncodedPublish"/> serves them all.
/// </summary>
internal enum PublishEncodingFamily : byte
{
    /// <summary>MQTT 3.1 and 3.1.1: the same PUBLISH layout, topic name and payload, no properties.</summary>
    V3,

    /// <summary>MQTT 5.0 receivers that need no property of their own (no subscription identifier, no topic alias).</summary>
    V5,
}

internal static class PublishEncodingFamilies
{
    /// <summary>How many families there are: one cache slot each on a message.</summary>
    public const int Count = 2;

    public static PublishEncodingFamily Of(ProtocolVersion version) =>
        version == ProtocolVersion.V500 ? PublishEncodingFamily.V5 : PublishEncodingFamily.V3;

    public static ProtocolVersion Version(this PublishEncodingFamily family) =>
        family == PublishEncodingFamily.V5 ? ProtocolVersion.V500 : ProtocolVersion.V311;
}
