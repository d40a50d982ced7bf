namespace Tether.Persistence;

/// <summary>Compares byte arrays by content, so that equal property blobs read from the store can share one array.</summary>
internal sealed class ByteContentComparer : IEqualityComparer<byte[]>
{
    public static ByteContentComparer Instance { get; } = new();

    public bool Equals(byte[]? x, byte[]? y) => ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

    public int GetHashCode(byte[] obj)
    {
        var hash = default(HashCode);
        hash.AddBytes(obj);
        return hash.ToHashCode();
    }
}
