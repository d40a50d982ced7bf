using System.Text;
using System.Buffers.Binary;

namespace Tether.Protocol;

/// <summary>Writes MQTT primitives into a span whose size was computed beforehand.</summary>
internal ref struct SpanWriter
{
    private readonly Span<byte> _span;
    private int _position;

    public SpanWriter(Span<byte> span)
    {
        _span = span;
        _position = 0;
    }

    public readonly int Position => _position;

    public void WriteByte(byte value) => _span[_position++] = value;

    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_span[_position..], value);
        _position += 2;
    }

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_span[_position..], value);
        _position += 4;
    }

    public void WriteVariableByteInteger(int value) => _position += VariableByteInteger.Write(_span[_position..], value);

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_span[_position..]);
        _position += bytes.Length;
    }

    /// <summary>A .NET string as an MQTT UTF-8 string; <paramref name="byteCount"/> is its encoded length.</summary>
    public void WriteString(string value, int byteCount)
    {
        WriteUInt16((ushort)byteCount);
        _position += Encoding.UTF8.GetBytes(value, _span[_position..]);
    }

    /// <summary>Binary data or a UTF-8 string: two-byte length, then the bytes.</summary>
    public void WriteBinary(ReadOnlySpan<byte> bytes)
    {
        WriteUInt16((ushort)bytes.Length);
        WriteBytes(bytes);
    }
}
