using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;

namespace Tether.Crash.Tests;

/// <summary>The built <c>tether</c> running as its own process on a loopback port, so that it can be killed with SIGKILL.</summary>
internal sealed class BrokerProcess : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _running = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();

    private BrokerProcess(string configPath, int port)
    {
        Port = port;
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(TetherDll());
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(configPath);
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Exited += (_, _) => _running.TrySetException(new InvalidOperationException("tether exited during start-up:\n" + Output));
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Port { get; }

    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Writes a config with persistence in <paramref name="directory"/> and starts tether on a free port.</summary>
    public static async Task<BrokerProcess> StartAsync(string directory)
    {
        var port = FreePort();
        var configPath = Path.Combine(directory, "tether.conf");
        await File.WriteAllTextAsync(configPath, string.Join('\n',
            $"listener {port} 127.0.0.1",
            "allow_anonymous true",
            "persistence true",
            "persistence_location " + directory + Path.DirectorySeparatorChar,
            "max_queued_messages 0",
            "log_dest stdout",
            string.Empty));
        var broker = new BrokerProcess(configPath, port);
        try
        {
            await broker._running.Task.WaitAsync(StartTimeout);
            return broker;
        }
        catch
        {
            broker.Dispose();
            throw;
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, nothing is flushed.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
        }

        _process.WaitForExit(10_000);
    }

    /// <summary>SIGTERM, then waits for the graceful exit.</summary>
    public async Task StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync().WaitAsync(StartTimeout);
        }

        await _process.WaitForExitAsync().WaitAsync(StartTimeout);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _output.Append(line).Append('\n');
        }

        if (line.Contains(" running", StringComparison.Ordinal))
        {
            _running.TrySetResult();
        }
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private static string DotnetHost() => Tether.Testing.TetherExecutable.DotnetHost();

    private static string TetherDll() => Tether.Testing.TetherExecutable.Dll(typeof(BrokerProcess).Assembly);
}
