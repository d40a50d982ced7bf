using System.Reflection;

namespace Tether.Server;

/// <summary>Tether's version, as printed by <c>tether --version</c> and in the start-up line.</summary>
public static class TetherVersion
{
    /// <summary>The product version, e.g. "0.1.0" (without the source revision).</summary>
    public static string Current { get; } = Read();

    private static string Read()
    {
        var informational = typeof(TetherVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (string.IsNullOrEmpty(informational))
        {
            return typeof(TetherVersion).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        }

        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? informational : informational[..plus];
    }
}
