using System.Reflection;

namespace Tether.Testing;

/// <summary>
/// Where the tests that run <c>tether</c> as a process find it. Compiled into each such test project (linked, not
/// referenced), so the projects stay independent of each other.
/// </summary>
internal static class TetherExecutable
{
    /// <summary>The dotnet host the test runner uses, so the broker runs on the same runtime as the tests.</summary>
    public static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>
    /// The tether.dll built with the test assembly: the CLI project's own output (it has the runtimeconfig and deps
    /// files that a copy next to the tests lacks), found by walking up to the repository root.
    /// </summary>
    /// <param name="testAssembly">The calling test assembly, whose build configuration and framework are matched.</param>
    public static string Dll(Assembly testAssembly)
    {
        var configuration = testAssembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Name;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "Tether", "bin", configuration, framework, "tether.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"tether.dll ({configuration}, {framework}) not found above {AppContext.BaseDirectory}; build src/Tether first.");
    }
}
