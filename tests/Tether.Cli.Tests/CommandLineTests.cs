using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Tether.Cli.Tests;

public class CommandLineTests
{
    [Fact]
    public async Task Help_lists_the_mosquitto_flags()
    {
        var (exitCode, stdout, _) = await TetherProcess.RunAsync("--help");
        Assert.Equal(0, exitCode);
        Assert.Contains("tether [command] [options]", stdout, StringComparison.Ordinal);
        Assert.Contains("passwd", stdout, StringComparison.Ordinal);
        Assert.Contains("--test-config", stdout, StringComparison.Ordinal);
        Assert.Contains("-c, --config-file <FILE>", stdout, StringComparison.Ordinal);
        Assert.Contains("-p, --port <PORT>", stdout, StringComparison.Ordinal);
        Assert.Contains("-v, --verbose", stdout, StringComparison.Ordinal);
        Assert.Contains("--version", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_prints_tether_and_the_version()
    {
        var (exitCode, stdout, _) = await TetherProcess.RunAsync("--version");
        Assert.Equal(0, exitCode);
        Assert.Matches(new Regex(@"^tether \d+\.\d+\.\d+\S*\n$"), stdout);
    }

    [Fact]
    public async Task Daemon_mode_is_refused()
    {
        var (exitCode, _, stderr) = await TetherProcess.RunAsync("-d");
        Assert.Equal(1, exitCode);
        Assert.Contains("daemon mode is not supported; use systemd", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_config_exits_1_with_the_line_number_and_no_stack_trace()
    {
        using var config = new TempConfig("# my broker\nlistener 1883\nmax_connections lots\n");
        var (exitCode, _, stderr) = await TetherProcess.RunAsync("-c", config.Path);
        Assert.Equal(1, exitCode);
        Assert.Contains($"line 3 of {config.Path}", stderr, StringComparison.Ordinal);
        Assert.Contains("max_connections", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unsupported_option_exits_1_and_says_what_to_do()
    {
        using var config = new TempConfig("listener 1883\nmount_point site1/\n");
        var (exitCode, _, stderr) = await TetherProcess.RunAsync("-c", config.Path);
        Assert.Equal(1, exitCode);
        Assert.Contains($"Tether does not support option 'mount_point' yet (line 2 of {config.Path}); remove it", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_config_file_exits_1()
    {
        var (exitCode, _, stderr) = await TetherProcess.RunAsync("-c", "/nonexistent/tether-test.conf");
        Assert.Equal(1, exitCode);
        Assert.Contains("/nonexistent/tether-test.conf", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Port_in_use_exits_1_with_a_clear_message()
    {
        using var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        squatter.Listen();
        var port = ((IPEndPoint)squatter.LocalEndPoint!).Port;
        using var config = new TempConfig($"listener {port} 127.0.0.1\n");

        var (exitCode, _, stderr) = await TetherProcess.RunAsync("-c", config.Path);
        Assert.Equal(1, exitCode);
        Assert.Contains($"port {port} on 127.0.0.1 is already in use; is another broker (mosquitto?) running? choose another with -p", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runs_from_a_config_file_accepts_a_connect_and_exits_0_on_sigterm()
    {
        var port = FreePort();
        using var config = new TempConfig($"listener {port} 127.0.0.1\nallow_anonymous true\n");
        using var tether = TetherProcess.Start("-c", config.Path);

        await tether.WaitForLineAsync(l => l.EndsWith("running", StringComparison.Ordinal));
        Assert.Contains($"Config loaded from {config.Path}.", tether.StandardError, StringComparison.Ordinal);
        Assert.Contains($"Opening ipv4 listen socket on port {port}.", tether.StandardError, StringComparison.Ordinal);

        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)).WaitAsync(TetherProcess.Timeout);
            await socket.SendAsync(new byte[] { 0x10, 0x0C, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3C, 0x00, 0x00 }).WaitAsync(TetherProcess.Timeout);
            var connAck = new byte[4];
            var read = 0;
            while (read < 4)
            {
                var n = await socket.ReceiveAsync(connAck.AsMemory(read)).AsTask().WaitAsync(TetherProcess.Timeout);
                Assert.NotEqual(0, n);
                read += n;
            }

            Assert.Equal(new byte[] { 0x20, 0x02, 0x00, 0x00 }, connAck);
        }

        tether.Terminate();
        Assert.Equal(0, await tether.WaitForExitAsync());
        Assert.Contains("terminating", tether.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Port_flag_without_config_listens_on_loopback()
    {
        var port = FreePort();
        using var tether = TetherProcess.Start("-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await tether.WaitForLineAsync(l => l.EndsWith("running", StringComparison.Ordinal));
        Assert.Contains("Starting in local only mode.", tether.StandardError, StringComparison.Ordinal);
        Assert.Contains($"Opening ipv4 listen socket on port {port}.", tether.StandardError, StringComparison.Ordinal);
        tether.Terminate();
        Assert.Equal(0, await tether.WaitForExitAsync());
    }

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    private sealed class TempConfig : IDisposable
    {
        public TempConfig(string text)
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tether-cli-" + Guid.NewGuid().ToString("N") + ".conf");
            File.WriteAllText(Path, text);
        }

        public string Path { get; }

        public void Dispose() => File.Delete(Path);
    }
}
