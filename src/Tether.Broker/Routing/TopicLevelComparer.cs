namespace Tether.Broker.Routing;

/// <summary>
/// Compares topic levels stored as UTF-8 <see cref="byte"/> arrays, and lets a child dictionary be
/// probed with a <see cref="ReadOnlySpan{T}"/> slice of the published topic, so the lookup on the
/// publish path neither decodes nor allocates.
/// </summary>
/// <remarks>
/// Hashing goes through <see cref="HashCode.AddBytes"/>, which is seeded randomly per process: a client
/// cannot precompute colliding level names to degrade a node's dictionary. Both overloads hash the same
/// bytes the same way, which is what <see cref="IAlternateEqualityComparer{TAlternate, T}"/> requires.
/// </remarks>
internal sealed class TopicLevelComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
{
    /// <summary>The single instance; the comparer has no state.</summary>
    public static TopicLevelComparer Instance { get; } = new();

    private TopicLevelComparer()
    {
    }

    /// <inheritdoc />
    public bool Equals(byte[]? x, byte[]? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

    /// <inheritdoc />
    public int GetHashCode(byte[] obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return Hash(obj);
    }

    /// <inheritdoc />
    public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

    /// <inheritdoc />
    public int GetHashCode(ReadOnlySpan<byte> alternate) => Hash(alternate);

    /// <inheritdoc />
    public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();

    private static int Hash(ReadOnlySpan<byte> level)
    {
        var hash = default(HashCode);
        hash.AddBytes(level);
        return hash.ToHashCode();
    }
}
