using System.Collections;
using System.Reflection;
using Tether.Protocol.Tests.Support;

namespace Tether.Protocol.Tests.RoundTrip;

/// <summary>
/// Guards the catalogue itself: the "all properties" packets must set exactly the properties the §2.2.2.2
/// table allows in that packet, so a property added to the model without a round trip fails here.
/// </summary>
public class RoundTripCoverageTests
{
    public static TheoryData<string, string> AllPropertyCases => new()
    {
        { "CONNECT full", nameof(PropertyScope.Connect) },
        { "CONNECT full (will)", nameof(PropertyScope.Will) },
        { "CONNACK all properties", nameof(PropertyScope.ConnAck) },
        { "PUBLISH all properties", nameof(PropertyScope.Publish) },
        { "PUBACK all properties", nameof(PropertyScope.Ack) },
        { "PUBREC all properties", nameof(PropertyScope.Ack) },
        { "PUBREL all properties", nameof(PropertyScope.Ack) },
        { "PUBCOMP all properties", nameof(PropertyScope.Ack) },
        { "SUBSCRIBE all options and properties", nameof(PropertyScope.Subscribe) },
        { "SUBACK failures and properties", nameof(PropertyScope.SubAck) },
        { "UNSUBSCRIBE with user properties", nameof(PropertyScope.Unsubscribe) },
        { "UNSUBACK reason codes and properties", nameof(PropertyScope.UnsubAck) },
        { "DISCONNECT all properties", nameof(PropertyScope.Disconnect) },
        { "AUTH all properties", nameof(PropertyScope.Auth) },
    };

    [Theory]
    [MemberData(nameof(AllPropertyCases))]
    public void All_Properties_Case_Sets_Every_Allowed_Property(string name, string scopeName)
    {
        var scope = Enum.Parse<PropertyScope>(scopeName);
        var will = name.EndsWith(" (will)", StringComparison.Ordinal);
        var packet = PacketCatalog.Find(ProtocolVersion.V500, will ? name[..^" (will)".Length] : name).Create();
        var properties = will ? ((ConnectPacket)packet).Will!.Properties : PropertiesOf(packet);

        var allowed = Enum.GetValues<PropertyId>().Where(id => (PropertyReader.AllowedScopes(id) & scope) != 0).Order().ToList();
        var set = SetProperties(properties).Order().ToList();

        Assert.Equal(allowed, set);
        Assert.True(properties.UserProperties.Count >= 2, "several user properties");
    }

    [Fact]
    public void Publish_Carries_Several_Subscription_Identifiers()
    {
        var publish = (PublishPacket)PacketCatalog.Find(ProtocolVersion.V500, "PUBLISH all properties").Create();

        Assert.True(publish.Properties.SubscriptionIdentifiers.Count >= 2);
    }

    [Fact]
    public void Every_Packet_Type_Appears_In_Every_Version()
    {
        foreach (var version in PacketCatalog.Versions)
        {
            var types = PacketCatalog.All.Where(c => c.Version == version).Select(c => c.Create().Type).ToHashSet();
            foreach (var type in Enum.GetValues<PacketType>())
            {
                // Reserved is never valid; AUTH exists only in 5.0 (§3.15).
                var exists = type != PacketType.Reserved && (type != PacketType.Auth || version == ProtocolVersion.V500);
                Assert.True(exists == types.Contains(type), $"{version} {type}");
            }
        }
    }

    private static MqttProperties PropertiesOf(MqttPacket packet) =>
        (MqttProperties)packet.GetType().GetProperty(nameof(ConnectPacket.Properties))!.GetValue(packet)!;

    /// <summary>The identifiers of the properties that are present, mapped from the model's member names.</summary>
    private static IEnumerable<PropertyId> SetProperties(MqttProperties properties)
    {
        foreach (var member in typeof(MqttProperties).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (member.Name == nameof(MqttProperties.IsEmpty))
            {
                continue;
            }

            var value = member.GetValue(properties);
            var present = value is ICollection collection ? collection.Count > 0 : value is not null;
            if (present)
            {
                yield return member.Name switch
                {
                    nameof(MqttProperties.SubscriptionIdentifiers) => PropertyId.SubscriptionIdentifier,
                    nameof(MqttProperties.UserProperties) => PropertyId.UserProperty,
                    _ => Enum.Parse<PropertyId>(member.Name),
                };
            }
        }
    }
}
