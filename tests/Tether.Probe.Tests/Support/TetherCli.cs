using System.Diagnostics;
using System.Reflection;

namespace Tether.Probe.Tests.Support;

/// <summary>Runs the built <c>tether</c> as a separate process, as an operator would, and collects its output.</summary>
internal static class TetherCli
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static async Task<(int ExitCode, string StandardOutput, string StandardError)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(TetherDll());
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(Timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    private static string DotnetHost() => Tether.Testing.TetherExecutable.DotnetHost();

    private static string TetherDll() => Tether.Testing.TetherExecutable.Dll(typeof(TetherCli).Assembly);
}
