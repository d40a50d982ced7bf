using CsCheck;
using Tether.Protocol.Fuzzing;

namespace Tether.Protocol.Tests.Properties;

/// <summary>The variable byte integer of §1.5.5 over its whole range 0..268,435,455.</summary>
public sealed class Variable_Byte_Integer_Properties
{
    private static readonly Gen<int> AnyValue = Gen.Frequency(
        (4, MqttGen.VariableByteIntegerValue),
        (1, Gen.OneOfConst(0, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, VariableByteInteger.MaxValue)));

    [Fact]
    public void Write_Then_Read_Returns_The_Value_In_The_Minimal_Number_Of_Bytes()
    {
        AnyValue.Sample(
            value =>
            {
                Span<byte> buffer = stackalloc byte[4];
                var written = VariableByteInteger.Write(buffer, value);
                Assert.Equal(VariableByteInteger.GetSize(value), written);

                // The encoding is minimal: each length covers 7 more bits, and a longer one is never used [MQTT-1.5.5-1].
                var expectedSize = value < 128 ? 1 : value < 16_384 ? 2 : value < 2_097_152 ? 3 : 4;
                Assert.Equal(expectedSize, written);
                Assert.Equal(0, buffer[written - 1] & 0x80);

                Assert.Equal(written, VariableByteInteger.TryRead(buffer[..written], out var read));
                Assert.Equal(value, read);

                // One byte short of the end asks for more data rather than guessing.
                Assert.Equal(0, VariableByteInteger.TryRead(buffer[..(written - 1)], out _));
            },
            iter: 100_000);
    }

    [Fact]
    public void Reading_From_A_Segmented_Sequence_Matches_Reading_From_A_Span()
    {
        Gen.Select(AnyValue, Gen.Int[0, 4].Array[0, 3]).Sample(
            (value, cuts) =>
            {
                var buffer = new byte[4];
                var written = VariableByteInteger.Write(buffer, value);
                var reader = new System.Buffers.SequenceReader<byte>(ChunkedSequence.Create(buffer.AsSpan(0, written), cuts));
                Assert.Equal(written, VariableByteInteger.TryRead(ref reader, out var read));
                Assert.Equal(value, read);
            },
            iter: 20_000);
    }

    [Fact]
    public void A_Fifth_Continuation_Byte_Is_Malformed()
    {
        Gen.Byte[0x80, 0xFF].Array[4].Sample(
            bytes => Assert.Equal(-1, VariableByteInteger.TryRead(bytes, out _)),
            iter: 1_000);
    }
}
