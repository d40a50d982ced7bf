using System.Buffers;

namespace Tether.Protocol.Fuzzing;

/// <summary>
/// The parser's fuzz target, shared by the SharpFuzz program (fuzz/Tether.Protocol.Fuzz) and the smoke test.
/// For each protocol version it reads every packet in the input until the reader asks for more data or rejects
/// it, and checks what must hold for any input whatsoever:
/// <list type="bullet">
/// <item>the reader never throws and returns only Packet, NeedMoreData or Error, leaving the buffer untouched
/// unless it returns a packet, and then advancing it;</item>
/// <item>the writer accepts every packet the reader produced, and its bytes parse back to a packet that
/// encodes to the same bytes (the re-encoding is stable);</item>
/// <item>every proper prefix of a parsed packet needs more data;</item>
/// <item>the same bytes cut into segments give the same outcome: the reader has separate paths for packets that
/// straddle segments.</item>
/// </list>
/// A broken invariant throws <see cref="FuzzInvariantException"/>, which the fuzzer reports as a crash.
/// </summary>
public static class ParserFuzzTarget
{
    // Unknown: the reader as a connection starts, before CONNECT sets the version.
    private static readonly ProtocolVersion[] Versions =
        [ProtocolVersion.Unknown, ProtocolVersion.V310, ProtocolVersion.V311, ProtocolVersion.V500];

    /// <summary>Runs the input through every check; throws on the first broken invariant.</summary>
    public static void Run(ReadOnlySpan<byte> input)
    {
        var bytes = input.ToArray();
        foreach (var version in Versions)
        {
            var contiguous = ReadAll(new ReadOnlySequence<byte>(bytes), version);
            var segmented = ReadAll(ChunkedSequence.Create(bytes, CutsFor(bytes)), version);
            if (contiguous.Count != segmented.Count)
            {
                throw new FuzzInvariantException(
                    $"{version}: contiguous input gave [{string.Join(", ", contiguous)}], segmented [{string.Join(", ", segmented)}]");
            }

            for (var i = 0; i < contiguous.Count; i++)
            {
                if (contiguous[i] != segmented[i])
                {
                    throw new FuzzInvariantException($"{version}: outcome {i} is {contiguous[i]} contiguous but {segmented[i]} segmented");
                }
            }
        }
    }

    /// <summary>
    /// Reads packets until the reader stops; returns one entry per outcome: the re-encoding of each packet, then
    /// the final status (and reason code for an error).
    /// </summary>
    private static List<string> ReadAll(ReadOnlySequence<byte> buffer, ProtocolVersion version)
    {
        var outcomes = new List<string>();
        var reader = new MqttPacketReader(version);
        while (true)
        {
            var before = buffer;
            var versionBefore = reader.ProtocolVersion;
            var status = reader.TryRead(ref buffer, out var packet, out var error);
            switch (status)
            {
                case ReadStatus.Packet:
                    if (packet is null)
                    {
                        throw new FuzzInvariantException("Packet status without a packet");
                    }

                    var consumed = before.Length - buffer.Length;
                    if (consumed < 2 || !buffer.End.Equals(before.End))
                    {
                        throw new FuzzInvariantException($"{packet.Type}: buffer advanced by {consumed} bytes, or not from the front");
                    }

                    CheckPrefixesNeedMoreData(before.Slice(0, consumed), versionBefore);
                    outcomes.Add($"{packet.Type}:{Convert.ToHexString(CheckReEncoding(packet, versionBefore, reader.ProtocolVersion))}");
                    break;
                case ReadStatus.NeedMoreData:
                case ReadStatus.Error:
                    if (!buffer.Start.Equals(before.Start) || buffer.Length != before.Length)
                    {
                        throw new FuzzInvariantException($"{status} but the buffer moved");
                    }

                    if (status == ReadStatus.Error && (error.Message is null || !error.Code.IsError()))
                    {
                        throw new FuzzInvariantException($"Error without a failure reason code: {error}");
                    }

                    outcomes.Add(status == ReadStatus.Error ? $"Error:{error.Code}" : "NeedMoreData");
                    return outcomes;
                default:
                    throw new FuzzInvariantException($"TryRead returned {status}");
            }
        }
    }

    /// <summary>Writes the packet, parses that, writes again: both encodings must be equal. Returns the encoding.</summary>
    private static byte[] CheckReEncoding(MqttPacket packet, ProtocolVersion readerVersion, ProtocolVersion versionAfter)
    {
        // A CONNECT carries its own version; every other packet is written in the version it was read with.
        var writeVersion = packet is ConnectPacket ? versionAfter : readerVersion;
        var first = Encode(packet, writeVersion);
        var again = new ReadOnlySequence<byte>(first);
        var reader = new MqttPacketReader(readerVersion);
        var status = reader.TryRead(ref again, out var reparsed, out var error);
        if (status != ReadStatus.Packet || reparsed is null)
        {
            throw new FuzzInvariantException(
                $"{packet.Type} re-encoded as {Convert.ToHexString(first)} does not parse back: {status} {error}");
        }

        if (!again.IsEmpty || reparsed.Type != packet.Type)
        {
            throw new FuzzInvariantException($"{packet.Type} re-encoded as {Convert.ToHexString(first)} parses as {reparsed.Type} with {again.Length} bytes left");
        }

        var second = Encode(reparsed, writeVersion);
        if (!first.AsSpan().SequenceEqual(second))
        {
            throw new FuzzInvariantException(
                $"{packet.Type} re-encoding is not stable: {Convert.ToHexString(first)} then {Convert.ToHexString(second)}");
        }

        return first;
    }

    private static void CheckPrefixesNeedMoreData(ReadOnlySequence<byte> packet, ProtocolVersion version)
    {
        // Every prefix would be quadratic on large inputs; the interesting ones are around the fixed header and the end.
        var length = packet.Length;
        for (long cut = 0; cut < length; cut = cut < 6 || cut >= length - 2 ? cut + 1 : length - 2)
        {
            var prefix = packet.Slice(0, cut);
            var status = new MqttPacketReader(version).TryRead(ref prefix, out _, out var error);
            if (status != ReadStatus.NeedMoreData)
            {
                throw new FuzzInvariantException($"{cut} of {length} bytes of a valid packet gave {status} {error}");
            }
        }
    }

    private static byte[] Encode(MqttPacket packet, ProtocolVersion version)
    {
        var output = new ArrayBufferWriter<byte>();
        MqttPacketWriter.Write(output, packet, version);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Segment boundaries that depend only on the input, so a crash reproduces from the input alone.</summary>
    private static List<int> CutsFor(byte[] bytes)
    {
        var cuts = new List<int>();
        uint state = 2_166_136_261;
        foreach (var b in bytes)
        {
            state = (state ^ b) * 16_777_619; // FNV-1a
        }

        for (var position = 0; position <= bytes.Length;)
        {
            cuts.Add(position);
            state = (state * 1_103_515_245) + 12_345;
            position += (int)((state >> 16) % 6); // 0 makes an empty segment
        }

        return cuts;
    }
}

/// <summary>An invariant of the parser or writer did not hold for a fuzz input.</summary>
public sealed class FuzzInvariantException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FuzzInvariantException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public FuzzInvariantException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public FuzzInvariantException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
