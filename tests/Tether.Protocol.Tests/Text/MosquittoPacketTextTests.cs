namespace Tether.Protocol.Tests.Text;

/// <summary>Mosquitto 2.0.11's wording of packets, shared by the broker's debug log and <c>tether pub/sub -d</c>.</summary>
public sealed class MosquittoPacketTextTests
{
    [Fact]
    public void Every_packet_type_is_named_in_capitals_as_the_specification_spells_it()
    {
        foreach (var type in Enum.GetValues<PacketType>())
        {
            Assert.Equal(type.ToString().ToUpperInvariant(), MosquittoPacketText.Name(type));
        }
    }

    [Fact]
    public void Publish_details_show_the_flags_the_packet_id_the_topic_and_the_payload_length()
    {
        Assert.Equal("(d0, q1, r0, m1, 'a/b', ... (5 bytes))", MosquittoPacketText.PublishDetails(false, QualityOfService.AtLeastOnce, false, 1, "a/b", 5));
        Assert.Equal("(d1, q2, r1, m65535, 'x y', ... (268435455 bytes))", MosquittoPacketText.PublishDetails(true, QualityOfService.ExactlyOnce, true, 65535, "x y", 268_435_455));
    }

    [Theory]
    [InlineData(PacketType.PubAck, "(m7, rc16)")]
    [InlineData(PacketType.PubRec, "(m7, rc16)")]
    [InlineData(PacketType.PubRel, "(m7)")]
    [InlineData(PacketType.PubComp, "(m7)")]
    public void A_sent_acknowledgement_shows_its_code_only_for_puback_and_pubrec(PacketType type, string expected)
    {
        Assert.Equal(expected, MosquittoPacketText.SentAckDetails(type, 7, ReasonCode.NoMatchingSubscribers));
    }

    [Theory]
    [InlineData(PacketType.PubAck, "(Mid: 8, RC:135)")]
    [InlineData(PacketType.PubRec, "(Mid: 8)")]
    [InlineData(PacketType.PubRel, "(Mid: 8)")]
    [InlineData(PacketType.PubComp, "(Mid: 8, RC:135)")]
    public void A_received_acknowledgement_shows_its_code_only_for_puback_and_pubcomp(PacketType type, string expected)
    {
        Assert.Equal(expected, MosquittoPacketText.ReceivedAckDetails(type, 8, ReasonCode.NotAuthorized));
    }
}
