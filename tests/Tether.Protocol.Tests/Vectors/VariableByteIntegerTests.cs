using System.Buffers;
using Tether.Protocol.Tests.Support;

namespace Tether.Protocol.Tests.Vectors;

/// <summary>The variable byte integer table of 5.0 §1.5.5 (3.1.1 §2.2.3 table 2.4), both ways.</summary>
public class VariableByteIntegerTests
{
    [Theory]
    [InlineData(0, "00")]
    [InlineData(127, "7F")]
    [InlineData(128, "80 01")]
    [InlineData(16_383, "FF 7F")]
    [InlineData(16_384, "80 80 01")]
    [InlineData(2_097_151, "FF FF 7F")]
    [InlineData(2_097_152, "80 80 80 01")]
    [InlineData(268_435_455, "FF FF FF 7F")]
    public void Specification_Table(int value, string hex)
    {
        var expected = Hex.Parse(hex);

        var destination = new byte[4];
        var written = VariableByteInteger.Write(destination, value);
        Assert.Equal(expected, destination[..written]);
        Assert.Equal(expected.Length, VariableByteInteger.GetSize(value));

        Assert.Equal(expected.Length, VariableByteInteger.TryRead(expected, out var fromSpan));
        Assert.Equal(value, fromSpan);

        var reader = new SequenceReader<byte>(SegmentedSequence.OneBytePerSegment(expected));
        Assert.Equal(expected.Length, VariableByteInteger.TryRead(ref reader, out var fromSequence));
        Assert.Equal(value, fromSequence);
    }

    [Theory]
    [InlineData("")]
    [InlineData("80")]
    [InlineData("FF FF")]
    [InlineData("FF FF FF")]
    public void Truncated_Integer_Needs_More_Bytes(string hex)
    {
        var bytes = Hex.Parse(hex);

        Assert.Equal(0, VariableByteInteger.TryRead(bytes, out _));
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));
        Assert.Equal(0, VariableByteInteger.TryRead(ref reader, out _));
    }

    [Theory]
    [InlineData("80 80 80 80")]
    [InlineData("FF FF FF FF 7F")]
    public void Fifth_Byte_Is_Malformed(string hex)
    {
        // [MQTT-1.5.5-1] / 3.1.1 §2.2.3: at most four bytes; the fourth byte's continuation bit already tells.
        var bytes = Hex.Parse(hex);

        Assert.Equal(-1, VariableByteInteger.TryRead(bytes, out _));
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));
        Assert.Equal(-1, VariableByteInteger.TryRead(ref reader, out _));
    }
}
