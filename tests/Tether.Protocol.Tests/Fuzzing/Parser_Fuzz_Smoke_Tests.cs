using System.Buffers;
using CsCheck;
using Tether.Protocol.Fuzzing;
using Tether.Protocol.Tests.Properties;

namespace Tether.Protocol.Tests.Fuzzing;

/// <summary>
/// Runs <see cref="ParserFuzzTarget"/> in-process on a fixed-seed stream of random and mutated inputs, so the
/// checks the fuzzer makes also guard every build. Inputs that once broke the codec are replayed by
/// <see cref="Parser_Fuzz_Regression_Tests"/>.
/// </summary>
public sealed class Parser_Fuzz_Smoke_Tests
{
    private const int Inputs = 200_000;

    [Fact]
    public void Random_And_Mutated_Inputs_Never_Throw_And_Keep_Every_Invariant()
    {
        var seeds = ValidPackets();
        var random = new Random(20_251_101);
        var buffer = new List<byte>(1_024);
        for (var i = 0; i < Inputs; i++)
        {
            buffer.Clear();
            switch (i % 8)
            {
                case 0:
                    RandomBytes(random, buffer);
                    break;
                case 1:
                    // Two valid packets back to back, then mutate: exercises the loop over several packets.
                    buffer.AddRange(seeds[random.Next(seeds.Count)]);
                    buffer.AddRange(seeds[random.Next(seeds.Count)]);
                    Mutate(random, buffer);
                    break;
                default:
                    buffer.AddRange(seeds[random.Next(seeds.Count)]);
                    Mutate(random, buffer);
                    break;
            }

            var input = buffer.ToArray();
            try
            {
                ParserFuzzTarget.Run(input);
            }
            catch (Exception e)
            {
                Assert.Fail($"input {i} ({Convert.ToHexString(input)}): {e}");
            }
        }
    }

    [Fact]
    public void Every_Valid_Seed_Packet_Passes_The_Target()
    {
        foreach (var seed in ValidPackets())
        {
            ParserFuzzTarget.Run(seed);
        }
    }

    /// <summary>Encoded valid packets of every type and version, from the property-test generators with a fixed seed.</summary>
    internal static List<byte[]> ValidPackets()
    {
        var pcg = new PCG(1, 20_251_101);
        var packets = new List<byte[]>();
        foreach (var version in (ProtocolVersion[])[ProtocolVersion.V310, ProtocolVersion.V311, ProtocolVersion.V500])
        {
            foreach (var type in PacketGen.TypesOf(version))
            {
                var gen = PacketGen.Of(type, version);
                for (var n = 0; n < 8; n++)
                {
                    var packet = gen.Generate(pcg, null, out _);
                    var output = new ArrayBufferWriter<byte>();
                    MqttPacketWriter.Write(output, packet, version);
                    packets.Add(output.WrittenSpan.ToArray());
                }
            }
        }

        return packets;
    }

    private static void RandomBytes(Random random, List<byte> buffer)
    {
        var length = random.Next(0, 48);
        for (var i = 0; i < length; i++)
        {
            buffer.Add((byte)random.Next(256));
        }

        if (buffer.Count > 0 && random.Next(2) == 0)
        {
            // A plausible first byte (type and flags) gets random bytes past the fixed header more often.
            buffer[0] = (byte)((random.Next(1, 16) << 4) | (random.Next(4) == 0 ? random.Next(16) : 0));
        }

        if (buffer.Count > 1 && random.Next(2) == 0)
        {
            buffer[1] = (byte)(buffer.Count - 2 > 127 ? 127 : buffer.Count - 2);
        }
    }

    /// <summary>One to three of: bit flips, byte overwrites, truncation, length-byte edits, insertions, deletions.</summary>
    private static void Mutate(Random random, List<byte> buffer)
    {
        var edits = random.Next(1, 4);
        for (var e = 0; e < edits && buffer.Count > 0; e++)
        {
            var at = random.Next(buffer.Count);
            switch (random.Next(7))
            {
                case 0:
                    buffer[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    buffer[at] = (byte)random.Next(256);
                    break;
                case 2:
                    buffer.RemoveRange(at, buffer.Count - at);
                    break;
                case 3:
                    // The remaining length, or a two-byte length prefix somewhere in the body, off by a little.
                    var target = random.Next(2) == 0 ? Math.Min(1, buffer.Count - 1) : at;
                    buffer[target] = (byte)(buffer[target] + random.Next(-2, 3));
                    break;
                case 4:
                    buffer.Insert(at, (byte)random.Next(256));
                    break;
                case 5:
                    buffer.RemoveAt(at);
                    break;
                default:
                    // Interesting values: 0, 0xFF, continuation bits, property identifiers.
                    buffer[at] = (byte)(random.Next(5) switch { 0 => 0x00, 1 => 0xFF, 2 => 0x80, 3 => 0x7F, _ => random.Next(0x01, 0x2B) });
                    break;
            }
        }
    }
}
