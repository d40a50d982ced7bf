using System.Buffers;
using System.Text;
using Tether.Protocol.Tests.Support;

namespace Tether.Protocol.Tests.Malformed;

/// <summary>
/// A corpus of invalid inputs, each with the reason code the reader must report. Every entry must come back
/// as <see cref="ReadStatus.Error"/> — never an exception, never a packet — with the buffer left untouched,
/// whether the bytes arrive in one segment or one byte per segment.
/// </summary>
public class MalformedPacketTests
{
    private const ReasonCode Malformed = ReasonCode.MalformedPacket;
    private const ReasonCode Violation = ReasonCode.ProtocolError;
    private const ProtocolVersion Unknown = ProtocolVersion.Unknown;
    private const ProtocolVersion V310 = ProtocolVersion.V310;
    private const ProtocolVersion V311 = ProtocolVersion.V311;
    private const ProtocolVersion V500 = ProtocolVersion.V500;

    public static TheoryData<string, ProtocolVersion, string, ReasonCode> Corpus { get; } = BuildCorpus();

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Is_Rejected_With_The_Expected_Reason_Code(string name, ProtocolVersion version, string hex, ReasonCode expected)
    {
        var error = Wire.ReadError(new MqttPacketReader(version), new ReadOnlySequence<byte>(Hex.Parse(hex)));

        Assert.True(expected == error.Code, $"{name}: expected 0x{(byte)expected:X2} {expected}, got {error}");
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Is_Rejected_The_Same_Way_When_Split_Into_Single_Bytes(string name, ProtocolVersion version, string hex, ReasonCode expected)
    {
        var error = Wire.ReadError(new MqttPacketReader(version), SegmentedSequence.OneBytePerSegment(Hex.Parse(hex)));

        Assert.True(expected == error.Code, $"{name}: expected 0x{(byte)expected:X2} {expected}, got {error}");
    }

    private static TheoryData<string, ProtocolVersion, string, ReasonCode> BuildCorpus()
    {
        var data = new TheoryData<string, ProtocolVersion, string, ReasonCode>();
        void Add(string name, ProtocolVersion version, string hex, ReasonCode code) => data.Add(name, version, hex, code);

        // Fixed header (§2.1 / 3.1.1 §2.2).
        Add("remaining length of five bytes", V311, "30 80 80 80 80 01", Malformed); // [MQTT-1.5.5-1]
        Add("remaining length of five bytes, all continuation", V500, "30 FF FF FF FF 7F", Malformed);
        Add("remaining length four continuation bytes", V311, "C0 80 80 80 80", Malformed);
        Add("reserved packet type 0", V311, "00 00", Malformed);
        Add("reserved packet type 0 in 5.0", V500, "00 00", Malformed);
        Add("reserved packet type 0 with flags", Unknown, "0F 00", Malformed);
        Add("AUTH in 3.1.1", V311, "F0 00", Malformed); // 3.1.1 §2.2.1: type 15 is reserved
        Add("AUTH in 3.1", V310, "F0 00", Malformed);

        // Reserved fixed header flags [MQTT-2.2.2-1] (3.1.1), [MQTT-2.1.3-1] (5.0).
        Add("PUBREL flags 0000", V311, Frame("60", "00 01"), Malformed); // [MQTT-3.6.1-1]
        Add("PUBREL flags 0011", V500, Frame("63", "00 01"), Malformed);
        Add("SUBSCRIBE flags 0000", V311, Frame("80", "00 01" + Str("a") + "00"), Malformed); // [MQTT-3.8.1-1]
        Add("SUBSCRIBE flags 1010", V500, Frame("8A", "00 01 00" + Str("a") + "00"), Malformed);
        Add("UNSUBSCRIBE flags 0000", V311, Frame("A0", "00 01" + Str("a")), Malformed); // [MQTT-3.10.1-1]
        Add("UNSUBSCRIBE flags 0011", V500, Frame("A3", "00 01 00" + Str("a")), Malformed);
        Add("CONNECT flags 0001", Unknown, Frame("11", Str("MQTT") + "04 02 00 3C" + Str("c")), Malformed);
        Add("CONNACK flags 0010", V311, Frame("22", "00 00"), Malformed);
        Add("PUBACK flags 0001", V311, Frame("41", "00 01"), Malformed);
        Add("PUBREC flags 0010", V500, Frame("52", "00 01"), Malformed);
        Add("PUBCOMP flags 1000", V311, Frame("78", "00 01"), Malformed);
        Add("SUBACK flags 0010", V311, Frame("92", "00 01 00"), Malformed);
        Add("UNSUBACK flags 0001", V311, Frame("B1", "00 01"), Malformed);
        Add("PINGREQ flags 0001", V311, "C1 00", Malformed);
        Add("PINGRESP flags 1000", V500, "D8 00", Malformed);
        Add("DISCONNECT flags 0010", V311, "E2 00", Malformed);
        Add("AUTH flags 0001", V500, "F1 00", Malformed);

        // PUBLISH fixed header (§3.3.1).
        Add("PUBLISH QoS 3", V311, Frame("36", Str("a") + "00 01"), Malformed); // [MQTT-3.3.1-4]
        Add("PUBLISH QoS 3 with DUP and RETAIN", V500, Frame("3F", Str("a") + "00 01 00"), Malformed);
        Add("PUBLISH QoS 0 with DUP", V311, Frame("38", Str("a")), Malformed); // [MQTT-3.3.1-2]

        // Packet identifier 0 [MQTT-2.2.1-3] (3.1.1 §2.3.1: non-zero).
        Add("PUBLISH QoS 1 packet identifier 0", V311, Frame("32", Str("a") + "00 00"), Violation);
        Add("PUBLISH QoS 2 packet identifier 0", V500, Frame("34", Str("a") + "00 00 00"), Violation);
        Add("SUBSCRIBE packet identifier 0", V311, Frame("82", "00 00" + Str("a") + "00"), Violation);
        Add("UNSUBSCRIBE packet identifier 0", V500, Frame("A2", "00 00 00" + Str("a")), Violation);
        Add("PUBACK packet identifier 0", V311, Frame("40", "00 00"), Violation);
        Add("PUBREC packet identifier 0", V500, Frame("50", "00 00"), Violation);
        Add("PUBREL packet identifier 0", V311, Frame("62", "00 00"), Violation);
        Add("PUBCOMP packet identifier 0", V500, Frame("70", "00 00"), Violation);
        Add("SUBACK packet identifier 0", V311, Frame("90", "00 00 00"), Violation);
        Add("UNSUBACK packet identifier 0", V311, Frame("B0", "00 00"), Violation);

        // Properties (5.0 §2.2.2), carried by a PUBACK unless stated.
        Add("duplicate property", V500, Frame("40", "00 01 00 08 1F 00 01 61 1F 00 01 62"), Violation); // §2.2.2.2
        Add("duplicate subscription identifier in SUBSCRIBE", V500, Frame("82", "00 01 04 0B 01 0B 02" + Str("a") + "00"), Violation); // §3.8.2.1.2
        Add("duplicate session expiry in CONNECT", Unknown, Connect("05", "02", "0A 11 00 00 00 01 11 00 00 00 02" + Str("c")), Violation);
        Add("duplicate topic alias in PUBLISH", V500, Frame("30", Str("a") + "06 23 00 01 23 00 02"), Violation);
        Add("property not allowed: topic alias in PUBACK", V500, Frame("40", "00 01 00 03 23 00 01"), Malformed);
        Add("property not allowed: reason string in PUBLISH", V500, Frame("30", Str("a") + "04 1F 00 01 61"), Malformed);
        Add("property not allowed: will delay in CONNECT properties", Unknown, Connect("05", "02", "05 18 00 00 00 01" + Str("c")), Malformed);
        Add("property not allowed: subscription identifier in UNSUBSCRIBE", V500, Frame("A2", "00 01 02 0B 01" + Str("a")), Malformed);
        Add("property not allowed: session expiry in will properties", Unknown, Connect("05", "06", "00" + Str("c") + "05 11 00 00 00 01" + Str("w") + Str(string.Empty)), Malformed);
        Add("unknown property identifier 0x05", V500, Frame("40", "00 01 00 02 05 00"), Malformed);
        Add("unknown property identifier 0x00", V500, Frame("40", "00 01 00 02 00 00"), Malformed);
        Add("unknown two-byte property identifier", V500, Frame("40", "00 01 00 03 80 01 00"), Malformed);
        Add("property length beyond packet", V500, Frame("40", "00 01 00 05 1F"), Malformed);
        Add("property length beyond packet in PUBLISH", V500, Frame("30", Str("a") + "10 01 01"), Malformed);
        Add("property value beyond property length", V500, Frame("40", "00 01 00 03 1F 00 05 61 62"), Malformed);
        Add("property length of five bytes", V500, Frame("30", Str("a") + "80 80 80 80 01"), Malformed);
        Add("property length cut off by the end of PUBLISH", V500, Frame("30", Str("a") + "80"), Malformed);
        Add("subscription identifier of five bytes", V500, Frame("30", Str("a") + "06 0B 80 80 80 80 01"), Malformed);
        Add("receive maximum 0", Unknown, Connect("05", "02", "03 21 00 00" + Str("c")), Violation); // §3.1.2.11.3
        Add("maximum packet size 0", Unknown, Connect("05", "02", "05 27 00 00 00 00" + Str("c")), Violation); // §3.1.2.11.4
        Add("topic alias 0", V500, Frame("30", Str("a") + "03 23 00 00"), Violation); // [MQTT-3.3.2-8]
        Add("subscription identifier 0", V500, Frame("82", "00 01 02 0B 00" + Str("a") + "00"), Violation); // §3.8.2.1.2
        Add("subscription identifier 0 in PUBLISH", V500, Frame("30", Str("a") + "02 0B 00"), Violation); // §3.3.2.3.8
        Add("payload format indicator 2", V500, Frame("30", Str("a") + "02 01 02"), Violation); // §3.3.2.3.2
        Add("request problem information 2", Unknown, Connect("05", "02", "02 17 02" + Str("c")), Violation); // §3.1.2.11.7
        Add("authentication data without method", Unknown, Connect("05", "02", "04 16 00 01 00" + Str("c")), Violation); // §3.1.2.11.10

        // UTF-8 strings (§1.5.4 / 3.1.1 §1.5.3).
        Add("UTF-8 with U+0000", V311, Frame("30", "00 02 61 00"), Malformed); // [MQTT-1.5.4-2]
        Add("UTF-8 encoded surrogate ED A0 80", V311, Frame("30", "00 03 ED A0 80"), Malformed); // [MQTT-1.5.4-1]
        Add("UTF-8 overlong encoding C0 80", V311, Frame("30", "00 02 C0 80"), Malformed); // [MQTT-1.5.4-1]
        Add("UTF-8 truncated sequence", V500, Frame("30", "00 01 C3 00"), Malformed);
        Add("UTF-8 with U+0000 in client identifier", Unknown, Connect("04", "02", "00 02 61 00"), Malformed);
        Add("UTF-8 surrogate in user property", V500, Frame("40", "00 01 00 09 26 00 01 6B 00 03 ED B0 80"), Malformed);
        Add("UTF-8 with U+0000 in topic filter", V311, Frame("82", "00 01 00 01 00 00"), Malformed);
        Add("string length beyond packet", V311, Frame("30", "00 05 61"), Malformed);

        // Topic names (§4.7.3, [MQTT-3.3.2-2]).
        Add("topic name with +", V311, Frame("30", Str("a/+")), ReasonCode.TopicNameInvalid);
        Add("topic name with #", V500, Frame("30", Str("a/#") + "00"), ReasonCode.TopicNameInvalid);
        Add("topic name with + inside a level", V311, Frame("32", Str("a+b") + "00 01"), ReasonCode.TopicNameInvalid);
        Add("empty topic without alias in 5.0", V500, Frame("30", Str(string.Empty) + "00"), Violation); // §3.3.2.1
        Add("empty topic in 3.1.1", V311, Frame("30", Str(string.Empty)), ReasonCode.TopicNameInvalid); // [MQTT-4.7.3-1]
        Add("will topic with wildcard", Unknown, Connect("04", "06", Str("c") + Str("#") + Str(string.Empty)), ReasonCode.TopicNameInvalid); // [MQTT-3.1.3-11]

        // Topic filters (§4.7.1, §4.8.2).
        foreach (var filter in new[] { "a/#/b", "a#", "a/b+", "$share/", "$share//x", "$share/g", "$share/g+/x", "$share/g/", "#/", "++", string.Empty })
        {
            Add($"SUBSCRIBE topic filter '{filter}'", V311, Frame("82", "00 01" + Str(filter) + "00"), ReasonCode.TopicFilterInvalid);
        }

        Add("SUBSCRIBE topic filter '$share/g#/x' in 5.0", V500, Frame("82", "00 01 00" + Str("$share/g#/x") + "00"), ReasonCode.TopicFilterInvalid);
        Add("UNSUBSCRIBE topic filter 'a/#/b'", V311, Frame("A2", "00 01" + Str("a/#/b")), ReasonCode.TopicFilterInvalid);
        Add("UNSUBSCRIBE topic filter '$share/g' in 5.0", V500, Frame("A2", "00 01 00" + Str("$share/g")), ReasonCode.TopicFilterInvalid);

        // SUBSCRIBE payload (§3.8.3).
        Add("SUBSCRIBE with no filter", V311, Frame("82", "00 01"), Violation); // [MQTT-3.8.3-3]
        Add("SUBSCRIBE with no filter in 5.0", V500, Frame("82", "00 01 00"), Violation);
        Add("SUBSCRIBE filter without options byte", V311, Frame("82", "00 01" + Str("a")), Malformed);
        Add("subscription QoS 3", V311, Frame("82", "00 01" + Str("a") + "03"), Malformed); // [MQTT-3-8.3-4] (3.1.1, numbered so in the specification)
        Add("subscription QoS 3 in 5.0", V500, Frame("82", "00 01 00" + Str("a") + "03"), Malformed);
        Add("reserved subscription option bits in 3.1.1", V311, Frame("82", "00 01" + Str("a") + "04"), Malformed); // [MQTT-3.8.3-4]
        Add("reserved subscription option bit 7 in 3.1.1", V311, Frame("82", "00 01" + Str("a") + "81"), Malformed);
        Add("reserved subscription option bits in 5.0", V500, Frame("82", "00 01 00" + Str("a") + "40"), Malformed); // [MQTT-3.8.3-5]
        Add("retain handling 3", V500, Frame("82", "00 01 00" + Str("a") + "30"), Violation); // §3.8.3.1
        Add("no local on a shared subscription", V500, Frame("82", "00 01 00" + Str("$share/g/a") + "04"), Violation); // [MQTT-3.8.3-4] (5.0)

        // UNSUBSCRIBE payload (§3.10.3).
        Add("UNSUBSCRIBE with no filter", V311, Frame("A2", "00 01"), Violation); // [MQTT-3.10.3-2]
        Add("UNSUBSCRIBE with no filter in 5.0", V500, Frame("A2", "00 01 00"), Violation);

        // CONNECT (§3.1.2).
        Add("CONNECT reserved flag", Unknown, Connect("04", "03", Str(string.Empty)), Malformed); // [MQTT-3.1.2-3]
        Add("CONNECT reserved flag in 5.0", Unknown, Connect("05", "03", "00" + Str(string.Empty)), Malformed);
        Add("will QoS 3", Unknown, Connect("04", "1E", Str("c") + Str("w") + Str(string.Empty)), Malformed); // [MQTT-3.1.2-14]
        Add("will retain without will flag", Unknown, Connect("04", "22", Str("c")), Malformed); // [MQTT-3.1.2-15]
        Add("will QoS without will flag", Unknown, Connect("04", "0A", Str("c")), Malformed); // [MQTT-3.1.2-13]
        Add("password without user name in 3.1.1", Unknown, Connect("04", "42", Str("c") + Str("p")), Malformed); // [MQTT-3.1.2-22]
        Add("unsupported protocol level 6", Unknown, Connect("06", "02", Str("c")), ReasonCode.UnsupportedProtocolVersion); // [MQTT-3.1.2-2]
        Add("unsupported protocol level 2", Unknown, Connect("02", "02", Str("c")), ReasonCode.UnsupportedProtocolVersion);
        Add("wrong protocol name", Unknown, Frame("10", Str("MQTX") + "04 02 00 3C" + Str("c")), Violation); // [MQTT-3.1.2-1]
        Add("protocol name MQIsdp with level 4", Unknown, Frame("10", Str("MQIsdp") + "04 02 00 3C" + Str("c")), Violation);
        Add("protocol name MQTT with level 3", Unknown, Frame("10", Str("MQTT") + "03 02 00 3C" + Str("c")), Violation);
        Add("trailing bytes after CONNECT", Unknown, Connect("04", "02", Str("c") + "00"), Malformed);
        Add("CONNECT ends inside the client identifier", Unknown, Connect("04", "02", "00 05 61"), Malformed);
        Add("CONNECT without user name field", Unknown, Connect("04", "82", Str("c")), Malformed);
        Add("CONNECT without will payload", Unknown, Connect("04", "06", Str("c") + Str("w")), Malformed);

        // Packets with no body, or a fixed body (§3.2, §3.12–§3.15).
        Add("PINGREQ with body", V311, "C0 01 00", Malformed);
        Add("PINGRESP with body", V500, "D0 01 00", Malformed);
        Add("DISCONNECT with body in 3.1.1", V311, "E0 01 00", Malformed);
        Add("CONNACK return code 6 in 3.1.1", V311, Frame("20", "00 06"), Malformed); // 3.1.1 §3.2.2.3: 6-255 reserved
        Add("CONNACK reserved acknowledge flags", V311, Frame("20", "02 00"), Malformed); // [MQTT-3.2.2-1] (5.0)
        Add("CONNACK truncated", V500, Frame("20", "00"), Malformed);
        Add("PUBACK with trailing byte in 3.1.1", V311, Frame("40", "00 01 00"), Malformed);
        Add("PUBACK truncated", V311, Frame("40", "00"), Malformed);
        Add("invalid reason code in PUBACK", V500, Frame("40", "00 01 01"), Malformed); // §3.4.2.1
        Add("invalid reason code in PUBREL", V500, Frame("62", "00 01 10"), Malformed); // §3.6.2.1
        Add("invalid reason code in PUBCOMP", V500, Frame("70", "00 01 80"), Malformed); // §3.7.2.1
        Add("invalid reason code in AUTH", V500, Frame("F0", "87"), Malformed); // §3.15.2.1
        Add("SUBACK invalid return code in 3.1.1", V311, Frame("90", "00 01 03"), Malformed); // [MQTT-3.9.3-2]
        Add("SUBACK without return codes", V311, Frame("90", "00 01"), Malformed);
        Add("UNSUBACK without reason codes in 5.0", V500, Frame("B0", "00 01 00"), Malformed);
        return data;
    }

    /// <summary>A fixed header byte and a body; the remaining length is computed, so entries only state what they break.</summary>
    private static string Frame(string firstByte, string body)
    {
        var bytes = Hex.Parse(body);
        var length = new byte[4];
        var size = VariableByteInteger.Write(length, bytes.Length);
        return firstByte + Hex.Format(length.AsSpan(0, size)) + Hex.Format(bytes);
    }

    /// <summary>A CONNECT named "MQTT" with the given level and flags, keep alive 60, then <paramref name="rest"/>.</summary>
    private static string Connect(string level, string flags, string rest) => Frame("10", Str("MQTT") + level + flags + "00 3C" + rest);

    /// <summary>A length-prefixed UTF-8 string (§1.5.4).</summary>
    private static string Str(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        return $"{bytes.Length >> 8:X2}{bytes.Length & 0xFF:X2}{Hex.Format(bytes)}";
    }
}
