using System.Text;

namespace Tether.Protocol;

/// <summary>
/// A UTF-8 encoded MQTT string, kept as bytes so that the publish path can pass topics and string
/// properties through without decoding or allocating. Values produced by the parser are already
/// validated (well-formed UTF-8, no U+0000, §1.5.4).
/// </summary>
public readonly struct Utf8Text : IEquatable<Utf8Text>
{
    /// <summary>Wraps UTF-8 bytes without copying them.</summary>
    public Utf8Text(ReadOnlyMemory<byte> utf8) => Utf8 = utf8;

    /// <summary>The empty string.</summary>
    public static Utf8Text Empty => default;

    /// <summary>The encoded bytes.</summary>
    public ReadOnlyMemory<byte> Utf8 { get; }

    /// <summary>The encoded bytes as a span.</summary>
    public ReadOnlySpan<byte> Span => Utf8.Span;

    /// <summary>Length in bytes.</summary>
    public int Length => Utf8.Length;

    /// <summary>Whether the string has no bytes.</summary>
    public bool IsEmpty => Utf8.IsEmpty;

    /// <summary>Encodes a .NET string (allocates; for cold paths and tests).</summary>
    public static Utf8Text FromString(string value) => new(Encoding.UTF8.GetBytes(value));

    /// <summary>Encodes a .NET string (allocates; for cold paths and tests).</summary>
    public static implicit operator Utf8Text(string value) => FromString(value);

    /// <summary>A copy that owns its bytes, independent of the buffer this value was parsed from.</summary>
    public Utf8Text ToOwned() => IsEmpty ? default : new Utf8Text(Utf8.ToArray());

    /// <summary>Decodes the text.</summary>
    public override string ToString() => Encoding.UTF8.GetString(Utf8.Span);

    /// <inheritdoc />
    public bool Equals(Utf8Text other) => Utf8.Span.SequenceEqual(other.Utf8.Span);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Utf8Text other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Utf8.Span);
        return hash.ToHashCode();
    }

    /// <summary>Byte-wise equality.</summary>
    public static bool operator ==(Utf8Text left, Utf8Text right) => left.Equals(right);

    /// <summary>Byte-wise inequality.</summary>
    public static bool operator !=(Utf8Text left, Utf8Text right) => !left.Equals(right);
}
