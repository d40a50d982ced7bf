using Tether.Protocol.Tests.Support;

namespace Tether.Protocol.Tests.Vectors;

/// <summary>UTF-8 strings that are well-formed and must pass through unchanged (5.0 §1.5.4, 3.1.1 §1.5.3).</summary>
public class Utf8StringVectorTests
{
    [Theory]
    [InlineData("EF BB BF 61")] // U+FEFF: [MQTT-1.5.4-3] must not be skipped or stripped off
    [InlineData("EF BF BF")] // U+FFFF non-character: only "SHOULD NOT" in §1.5.4, accepted
    [InlineData("01 1F 7F")] // control characters: "SHOULD NOT", accepted
    [InlineData("F0 9F 98 80")] // U+1F600, a four-byte sequence (supplementary plane, not a surrogate pair)
    [InlineData("ED 9F BF")] // U+D7FF, the last code point before the surrogate range
    [InlineData("EE 80 80")] // U+E000, the first code point after it
    public void Well_Formed_Topic_Is_Kept_Byte_For_Byte(string topicHex)
    {
        var topic = Hex.Parse(topicHex);
        byte[] bytes = [0x30, (byte)(2 + topic.Length), 0x00, (byte)topic.Length, .. topic];

        var publish = Assert.IsType<PublishPacket>(Wire.ReadSingle(bytes, ProtocolVersion.V311));

        Assert.Equal(topic, publish.Topic.Span.ToArray());
        Assert.Equal(bytes, Wire.Write(publish, ProtocolVersion.V311));
    }

    [Theory]
    [InlineData("ED BF BF")] // U+DFFF, last surrogate [MQTT-1.5.4-1]
    [InlineData("E0 80 80")] // overlong U+0000
    [InlineData("F8 88 80 80 80")] // five-byte form, not UTF-8 since RFC 3629
    [InlineData("F4 90 80 80")] // above U+10FFFF
    [InlineData("80")] // lone continuation byte
    [InlineData("FF")]
    public void Ill_Formed_Topic_Is_Malformed(string topicHex)
    {
        var topic = Hex.Parse(topicHex);
        byte[] bytes = [0x30, (byte)(2 + topic.Length), 0x00, (byte)topic.Length, .. topic];

        var error = Wire.ReadError(new MqttPacketReader(ProtocolVersion.V311), new(bytes));

        Assert.Equal(ReasonCode.MalformedPacket, error.Code);
    }
}
