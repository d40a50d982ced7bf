namespace Tether.Protocol.Tests.Support;

/// <summary>Test vectors written as spaced hex ("30 03 00 01 61"), the way packet captures show them.</summary>
public static class Hex
{
    public static byte[] Parse(string hex) =>
        Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal));

    public static string Format(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes);
}
