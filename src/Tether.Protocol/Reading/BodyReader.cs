using System.Buffers.Binary;

namespace Tether.Protocol;

/// <summary>
/// Reads the fields of one packet body from contiguous memory. Every TryRead that fails records why in
/// <see cref="Error"/>, so callers just propagate <see langword="false"/>.
/// </summary>
internal ref struct BodyReader
{
    private readonly ReadOnlyMemory<byte> _memory;
    private readonly ReadOnlySpan<byte> _span;
    private int _position;

    public BodyReader(ReadOnlyMemory<byte> memory)
    {
        _memory = memory;
        _span = memory.Span;
        _position = 0;
        Error = default;
    }

    public ProtocolError Error { get; private set; }

    public readonly int Remaining => _span.Length - _position;

    public readonly int Position => _position;

    public readonly bool End => _position == _span.Length;

    public bool Fail(ProtocolError error)
    {
        Error = error;
        return false;
    }

    public bool Truncated() => Fail(ProtocolError.Malformed("packet ends inside a field"));

    public bool TryReadByte(out byte value)
    {
        if (_position >= _span.Length)
        {
            value = 0;
            return Truncated();
        }

        value = _span[_position++];
        return true;
    }

    public bool TryReadUInt16(out ushort value)
    {
        if (Remaining < 2)
        {
            value = 0;
            return Truncated();
        }

        value = BinaryPrimitives.ReadUInt16BigEndian(_span[_position..]);
        _position += 2;
        return true;
    }

    public bool TryReadUInt32(out uint value)
    {
        if (Remaining < 4)
        {
            value = 0;
            return Truncated();
        }

        value = BinaryPrimitives.ReadUInt32BigEndian(_span[_position..]);
        _position += 4;
        return true;
    }

    public bool TryReadVariableByteInteger(out int value)
    {
        var consumed = VariableByteInteger.TryRead(_span[_position..], out value);
        if (consumed <= 0)
        {
            return consumed == 0 ? Truncated() : Fail(ProtocolError.Malformed("variable byte integer longer than four bytes"));
        }

        _position += consumed;
        return true;
    }

    /// <summary>Binary data: a two-byte length then that many bytes (§1.5.6).</summary>
    public bool TryReadBinary(out ReadOnlyMemory<byte> value)
    {
        value = default;
        if (!TryReadUInt16(out var length))
        {
            return false;
        }

        return TryReadBytes(length, out value);
    }

    public bool TryReadBytes(int length, out ReadOnlyMemory<byte> value)
    {
        if (Remaining < length)
        {
            value = default;
            return Truncated();
        }

        value = _memory.Slice(_position, length);
        _position += length;
        return true;
    }

    /// <summary>A UTF-8 string (§1.5.4): well-formed, no surrogates, no U+0000 [MQTT-1.5.4-1], [MQTT-1.5.4-2].</summary>
    public bool TryReadUtf8(out Utf8Text value)
    {
        value = default;
        if (!TryReadBinary(out var bytes))
        {
            return false;
        }

        if (!Utf8Validation.IsValidMqttString(bytes.Span))
        {
            return Fail(ProtocolError.Malformed("string is not well-formed UTF-8 or contains U+0000"));
        }

        value = new Utf8Text(bytes);
        return true;
    }

    public readonly ReadOnlyMemory<byte> RemainingMemory => _memory[_position..];

    public void Skip(int count) => _position += count;
}
