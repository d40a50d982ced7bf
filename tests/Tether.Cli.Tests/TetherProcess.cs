using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace Tether.Cli.Tests;

/// <summary>Runs the built <c>tether</c> as a separate process, as an operator would.</summary>
internal sealed class TetherProcess : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiters = [];
    private readonly Lock _gate = new();

    private TetherProcess(params string[] args)
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

        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => OnLine(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(_stderr, e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public string StandardOutput
    {
        get
        {
            lock (_gate)
            {
                return _stdout.ToString();
            }
        }
    }

    public string StandardError
    {
        get
        {
            lock (_gate)
            {
                return _stderr.ToString();
            }
        }
    }

    public static TetherProcess Start(params string[] args) => new(args);

    /// <summary>Runs tether to completion and returns its exit code.</summary>
    public static async Task<(int ExitCode, string StandardOutput, string StandardError)> RunAsync(params string[] args)
    {
        using var process = Start(args);
        var exitCode = await process.WaitForExitAsync();
        return (exitCode, process.StandardOutput, process.StandardError);
    }

    public async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(Timeout);
        _process.WaitForExit(); // Drains the redirected streams.
        return _process.ExitCode;
    }

    /// <summary>Completes with the first output line (stdout or stderr) that matches, including lines already written.</summary>
    public Task<string> WaitForLineAsync(Func<string, bool> match)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var existing = (_stdout + "\n" + _stderr).Split('\n').FirstOrDefault(match);
            if (existing is not null)
            {
                found.SetResult(existing);
            }
            else
            {
                _waiters.Add((match, found));
            }
        }

        return found.Task.WaitAsync(Timeout);
    }

    /// <summary>Sends SIGTERM, as systemd and docker stop do.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private void OnLine(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            output.Append(line).Append('\n');
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(line))
                {
                    _waiters[i].Found.TrySetResult(line);
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    private static string DotnetHost() => Tether.Testing.TetherExecutable.DotnetHost();

    private static string TetherDll() => Tether.Testing.TetherExecutable.Dll(typeof(TetherProcess).Assembly);
}
