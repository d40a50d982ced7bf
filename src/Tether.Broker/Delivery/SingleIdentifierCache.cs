namespace Tether.Broker;

/// <summary>
/// Shared one-element arrays for small subscription identifiers, so the common case of one identifier per
/// delivery does not allocate. The arrays are never written after creation.
/// </summary>
internal static class SingleIdentifierCache
{
    private const int Size = 1024;
    private static readonly uint[]?[] Cache = new uint[]?[Size];

    public static uint[] Get(uint identifier)
    {
        if (identifier >= Size)
        {
            return [identifier];
        }

        return Cache[identifier] ??= [identifier];
    }
}
