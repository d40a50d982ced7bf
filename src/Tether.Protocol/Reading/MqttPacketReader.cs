using System.Buffers;

namespace Tether.Protocol;

/// <summary>
/// Incremental MQTT parser for one connection. Call <see cref="TryRead"/> with what the pipe holds; it
/// returns one packet, asks for more data, or reports a protocol error carrying the 5.0 reason code.
/// </summary>
/// <remarks>
/// Ownership: PUBLISH, PUBACK, PUBREC, PUBREL and PUBCOMP are returned in instances owned by this reader and
/// reused on the next call; their topic, properties and payload are slices of the input (or of this reader's
/// scratch buffer when a header straddles pipe segments), valid until the next call or until the pipe is
/// advanced. Every other packet is a fresh instance that owns its memory. The PUBLISH payload is never copied.
/// An incomplete packet is re-parsed from its first byte when more data arrives, so no partial state is kept.
/// </remarks>
public sealed partial class MqttPacketReader
{
    /// <summary>The largest packet the protocol can express: 1 type byte, 4 length bytes, 268,435,455 body bytes.</summary>
    public const int ProtocolMaximumPacketSize = 1 + 4 + VariableByteInteger.MaxValue;

    // The reused packets are created by the first packet of their type: a reader lives as long as its connection,
    // and an idle connection (or one that only subscribes at QoS 0) never needs most of them.
    private PublishPacket? _publish;
    private AckPacket? _pubAck;
    private AckPacket? _pubRec;
    private AckPacket? _pubRel;
    private AckPacket? _pubComp;
    private byte[] _scratch = [];

    /// <summary>Creates a reader.</summary>
    /// <param name="protocolVersion">The version to parse with; <see cref="ProtocolVersion.Unknown"/> until CONNECT sets it.</param>
    /// <param name="maximumPacketSize">Largest whole packet accepted, fixed header included.</param>
    public MqttPacketReader(ProtocolVersion protocolVersion = ProtocolVersion.Unknown, int maximumPacketSize = ProtocolMaximumPacketSize)
    {
        ProtocolVersion = protocolVersion;
        MaximumPacketSize = maximumPacketSize;
    }

    /// <summary>
    /// The version packets are parsed with. Parsing a CONNECT sets it from the packet's protocol level
    /// (as soon as the level is read, so a failure later in CONNECT can still be answered in the client's version).
    /// </summary>
    public ProtocolVersion ProtocolVersion { get; set; }

    /// <summary>Largest whole packet accepted; a larger declared length fails with 0x95 before the body is buffered.</summary>
    public int MaximumPacketSize { get; set; }

    private bool IsV5 => ProtocolVersion == ProtocolVersion.V500;

    /// <summary>Parses at most one packet from the start of <paramref name="buffer"/>.</summary>
    /// <param name="buffer">Input; on <see cref="ReadStatus.Packet"/> it is advanced past the packet, otherwise left unchanged.</param>
    /// <param name="packet">The packet, when the result is <see cref="ReadStatus.Packet"/>.</param>
    /// <param name="error">Why the input was rejected, when the result is <see cref="ReadStatus.Error"/>.</param>
    public ReadStatus TryRead(ref ReadOnlySequence<byte> buffer, out MqttPacket? packet, out ProtocolError error)
    {
        packet = null;
        error = default;
        if (buffer.Length < 2)
        {
            return ReadStatus.NeedMoreData;
        }

        var status = TryReadFixedHeader(buffer, out var firstByte, out var headerLength, out var remainingLength, out error);
        if (status != ReadStatus.Packet)
        {
            return status;
        }

        // Refuse by the declared size before waiting for (and buffering) the body.
        if ((long)headerLength + remainingLength > MaximumPacketSize)
        {
            error = new ProtocolError(ReasonCode.PacketTooLarge, "packet larger than the maximum packet size");
            return ReadStatus.Error;
        }

        var type = (PacketType)(firstByte >> 4);
        var flags = firstByte & 0x0F;
        if (!AreFlagsValid(type, flags, out error))
        {
            return ReadStatus.Error;
        }

        var total = headerLength + remainingLength;
        if (buffer.Length < total)
        {
            return ReadStatus.NeedMoreData;
        }

        // Slicing a multi-segment sequence walks its segments; the common single-segment case wraps the memory directly.
        var body = buffer.IsSingleSegment
            ? new ReadOnlySequence<byte>(buffer.First.Slice(headerLength, remainingLength))
            : buffer.Slice(headerLength, remainingLength);
        var parsed = type switch
        {
            PacketType.Connect => TryParseConnect(body, out packet, out error),
            PacketType.ConnAck => TryParseConnAck(body, out packet, out error),
            PacketType.Publish => TryParsePublish(body, flags, out packet, out error),
            PacketType.PubAck => TryParseAck(body, _pubAck ??= new(PacketType.PubAck), out packet, out error),
            PacketType.PubRec => TryParseAck(body, _pubRec ??= new(PacketType.PubRec), out packet, out error),
            PacketType.PubRel => TryParseAck(body, _pubRel ??= new(PacketType.PubRel), out packet, out error),
            PacketType.PubComp => TryParseAck(body, _pubComp ??= new(PacketType.PubComp), out packet, out error),
            PacketType.Subscribe => TryParseSubscribe(body, out packet, out error),
            PacketType.SubAck => TryParseSubAck(body, out packet, out error),
            PacketType.Unsubscribe => TryParseUnsubscribe(body, out packet, out error),
            PacketType.UnsubAck => TryParseUnsubAck(body, out packet, out error),
            PacketType.PingReq => TryParseEmpty(body, PingReqPacket.Instance, out packet, out error),
            PacketType.PingResp => TryParseEmpty(body, PingRespPacket.Instance, out packet, out error),
            PacketType.Disconnect => TryParseDisconnect(body, out packet, out error),
            PacketType.Auth => TryParseAuth(body, out packet, out error),
            _ => Fail(ProtocolError.Malformed("reserved packet type 0"), out packet, out error),
        };
        if (!parsed)
        {
            packet = null;
            return ReadStatus.Error;
        }

        buffer = buffer.Slice(total);
        return ReadStatus.Packet;
    }

    private static ReadStatus TryReadFixedHeader(
        in ReadOnlySequence<byte> buffer, out byte firstByte, out int headerLength, out int remainingLength, out ProtocolError error)
    {
        error = default;
        remainingLength = 0;
        var first = buffer.FirstSpan;
        firstByte = first.IsEmpty ? (byte)0 : first[0];
        var consumed = first.IsEmpty ? 0 : VariableByteInteger.TryRead(first[1..], out remainingLength);

        // Only a length that continues into the next segment needs the (slower) sequence reader.
        if (consumed == 0 && !buffer.IsSingleSegment)
        {
            var reader = new SequenceReader<byte>(buffer);
            reader.TryRead(out firstByte);
            consumed = VariableByteInteger.TryRead(ref reader, out remainingLength);
        }

        headerLength = 1 + consumed;
        if (consumed == 0)
        {
            return ReadStatus.NeedMoreData;
        }

        if (consumed < 0)
        {
            // [MQTT-1.5.5-1] / 3.1.1 §2.2.3: at most four bytes.
            error = ProtocolError.Malformed("remaining length longer than four bytes");
            return ReadStatus.Error;
        }

        return ReadStatus.Packet;
    }

    /// <summary>Fixed header flags (§2.1.3 / 3.1.1 §2.2.2): fixed per type except PUBLISH.</summary>
    private bool AreFlagsValid(PacketType type, int flags, out ProtocolError error)
    {
        error = default;
        switch (type)
        {
            case PacketType.Publish:
                if ((flags & 0b0110) == 0b0110)
                {
                    // [MQTT-3.3.1-4]: QoS 3 is malformed.
                    error = ProtocolError.Malformed("PUBLISH with QoS 3");
                    return false;
                }

                if ((flags & 0b1110) == 0b1000)
                {
                    // [MQTT-3.3.1-2]: DUP must be 0 for QoS 0.
                    error = ProtocolError.Malformed("PUBLISH with QoS 0 and DUP set");
                    return false;
                }

                return true;
            case PacketType.PubRel or PacketType.Subscribe or PacketType.Unsubscribe:
                if (flags == 0b0010 || ProtocolVersion == ProtocolVersion.V310)
                {
                    return true;
                }

                error = ProtocolError.Malformed("reserved flags of PUBREL, SUBSCRIBE or UNSUBSCRIBE not 0010");
                return false;
            default:
                // MQTT 3.1 gave meaning to flag bits of other packets; its clients still set them, so only later
                // versions enforce zero [MQTT-2.2.2-1].
                if (flags == 0 || ProtocolVersion == ProtocolVersion.V310)
                {
                    return true;
                }

                error = ProtocolError.Malformed("reserved fixed header flags set");
                return false;
        }
    }

    /// <summary>
    /// Body memory that is valid until the next call: the pipe's own memory when the body sits in one
    /// segment, else a copy in this reader's scratch buffer (which grows to the largest such body and is reused).
    /// </summary>
    private ReadOnlyMemory<byte> Borrow(in ReadOnlySequence<byte> body)
    {
        if (body.IsSingleSegment)
        {
            return body.First;
        }

        var length = (int)body.Length;
        if (_scratch.Length < length)
        {
            _scratch = new byte[Math.Max(length, Math.Max(256, _scratch.Length * 2))];
        }

        body.CopyTo(_scratch);
        return _scratch.AsMemory(0, length);
    }

    /// <summary>Body memory owned by the packet being created (cold packets: CONNECT, SUBSCRIBE, ...).</summary>
    private static ReadOnlyMemory<byte> Own(in ReadOnlySequence<byte> body) => body.IsEmpty ? ReadOnlyMemory<byte>.Empty : body.ToArray();

    private static bool Fail(ProtocolError failure, out MqttPacket? packet, out ProtocolError error)
    {
        packet = null;
        error = failure;
        return false;
    }

    private static bool Done(ref BodyReader reader, MqttPacket result, out MqttPacket? packet, out ProtocolError error)
    {
        if (!reader.End)
        {
            return Fail(ProtocolError.Malformed("unexpected bytes at the end of the packet"), out packet, out error);
        }

        packet = result;
        error = default;
        return true;
    }

    private static bool TryParseEmpty(in ReadOnlySequence<byte> body, MqttPacket instance, out MqttPacket? packet, out ProtocolError error)
    {
        if (!body.IsEmpty)
        {
            return Fail(ProtocolError.Malformed("PINGREQ/PINGRESP with a body"), out packet, out error);
        }

        packet = instance;
        error = default;
        return true;
    }
}
