using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Tether.Server;

namespace Tether.Cli.Tests;

/// <summary>
/// The mosquitto_pub/mosquitto_sub flags operators use (-d, -F, -D, -U, --remove-retained, --repeat-delay, -A,
/// --tls-version), run as processes against an in-process Tether. The expected outputs are what mosquitto-clients
/// 2.0.11 prints for the same commands; where the real tools are installed the tests also run them and compare,
/// otherwise that comparison is skipped (the main assertions do not need them).
/// </summary>
public sealed class MosquittoToolParityTests : IAsyncLifetime
{
    private TetherServer _server = null!;
    private string _port = string.Empty;

    public async Task InitializeAsync()
    {
        _server = new TetherServer(
            new TetherConfiguration { Listeners = [new ListenerOptions { Port = 0, BindAddress = "127.0.0.1" }] },
            new TetherServerOptions { ShutdownTimeout = TimeSpan.FromSeconds(2), ConfigureLogging = logging => logging.ClearProviders() });
        await _server.StartAsync(CancellationToken.None).WaitAsync(TetherProcess.Timeout);
        _port = _server.BoundListeners[0].EndPoint.Port.ToString(CultureInfo.InvariantCulture);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Pub_d_prints_mosquitto_pubs_packet_lines()
    {
        string[] args = ["-d", "-p", _port, "-i", "dbg-pub", "-t", "parity/d", "-m", "hello", "-q", "2", "-r"];
        var (exitCode, stdout, stderr) = await TetherProcess.RunAsync(["pub", .. args]);
        Assert.True(exitCode == 0, stderr);
        const string expected = """
            Client dbg-pub sending CONNECT
            Client dbg-pub received CONNACK (0)
            Client dbg-pub sending PUBLISH (d0, q2, r1, m1, 'parity/d', ... (5 bytes))
            Client dbg-pub received PUBREC (Mid: 1)
            Client dbg-pub sending PUBREL (m1)
            Client dbg-pub received PUBCOMP (Mid: 1, RC:0)
            Client dbg-pub sending DISCONNECT

            """;
        Assert.Equal(expected, stdout);

        if (await MosquittoToolAsync("mosquitto_pub", args) is { } mosquitto)
        {
            Assert.Equal(expected, mosquitto);
        }
    }

    [Fact]
    public async Task Sub_d_prints_subscribe_lines_and_the_granted_qos()
    {
        await PubAsync("-t", "parity/sd/a", "-m", "kept", "-r", "-q", "1");
        string[] args = ["-d", "-p", _port, "-i", "dbg-sub", "-t", "parity/sd/a", "-t", "parity/sd/other/#", "-q", "1", "-C", "1"];
        var (exitCode, stdout, stderr) = await TetherProcess.RunAsync(["sub", .. args]);
        Assert.True(exitCode == 0, stderr);
        string[] expected =
        [
            "Client dbg-sub sending CONNECT",
            "Client dbg-sub received CONNACK (0)",
            "Client dbg-sub sending SUBSCRIBE (Mid: 1, Topic: parity/sd/a, QoS: 1, Options: 0x00)",
            "Client dbg-sub sending SUBSCRIBE (Mid: 1, Topic: parity/sd/other/#, QoS: 1, Options: 0x00)",
            "Client dbg-sub received SUBACK",
            "Subscribed (mid: 1): 1, 1",
            "Client dbg-sub received PUBLISH (d0, q1, r1, m1, 'parity/sd/a', ... (4 bytes))",
            "Client dbg-sub sending PUBACK (m1, rc0)",
            "kept",
            "Client dbg-sub sending DISCONNECT",
        ];

        // The acknowledgement and the printed payload come from two loops, so their order is free (libmosquitto
        // acknowledges first); everything else is in order.
        var actual = Lines(stdout);
        Assert.Equal(expected[..7], actual[..7]);
        Assert.Equal(expected[7..].Order(StringComparer.Ordinal), actual[7..].Order(StringComparer.Ordinal));

        if (await MosquittoToolAsync("mosquitto_sub", args) is { } mosquitto)
        {
            Assert.Equal(expected.Order(StringComparer.Ordinal), Lines(mosquitto).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task Sub_F_renders_fields_flags_widths_and_escapes_like_mosquitto_sub()
    {
        await PubAsync("-t", "parity/f", "-m", "hi%there", "-r", "-q", "1");
        const string format = @"%t|%p|%q|%r|%m|%l|%x|%X|%%|\t|\\|%5t|%-5l|%05l|%.2t|%8.3t|@@|%l";
        string[] args = ["-p", _port, "-t", "parity/f", "-C", "1", "-F", format];
        var (exitCode, stdout, stderr) = await TetherProcess.RunAsync(["sub", .. args]);
        Assert.True(exitCode == 0, stderr);
        const string expected = "parity/f|hi%there|0|1|0|8|6869257468657265|6869257468657265|%|\t|\\|parity/f|8    |00008|pa|     par|@|8\n";
        Assert.Equal(expected, stdout);

        if (await MosquittoToolAsync("mosquitto_sub", args) is { } mosquitto)
        {
            Assert.Equal(expected, mosquitto);
        }
    }

    [Fact]
    public async Task Sub_F_with_N_adds_no_newline_and_time_fields_render()
    {
        await PubAsync("-t", "parity/fn", "-m", "x", "-r");
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var (exitCode, stdout, stderr) = await TetherProcess.RunAsync("sub", "-p", _port, "-t", "parity/fn", "-C", "1", "-N", "-F", "%U @Y %I");
        Assert.True(exitCode == 0, stderr);
        var parts = stdout.Split(' ');
        Assert.Equal(3, parts.Length);
        Assert.Matches(@"^\d+\.\d{9}$", parts[0]);
        Assert.InRange(long.Parse(parts[0].Split('.')[0], CultureInfo.InvariantCulture), before - 1, before + 60);
        Assert.Matches(@"^\d{4}$", parts[1]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}$", parts[2]);
    }

    [Fact]
    public async Task Pub_D_sets_5_0_properties_that_sub_F_prints()
    {
        await PubAsync(
            "-V", "5", "-t", "parity/props", "-m", "p", "-r", "-q", "1",
            "-D", "publish", "user-property", "k", "v",
            "-D", "publish", "content-type", "text/x",
            "-D", "publish", "message-expiry-interval", "100",
            "-D", "publish", "payload-format-indicator", "1",
            "-D", "publish", "response-topic", "re/t",
            "-D", "publish", "correlation-data", "cd",
            "-D", "connect", "session-expiry-interval", "0");
        var (exitCode, stdout, stderr) = await TetherProcess.RunAsync("sub", "-V", "5", "-p", _port, "-t", "parity/props", "-C", "1", "-F", "%P|%C|%F|%R|%D|%j");
        Assert.True(exitCode == 0, stderr);
        Assert.StartsWith("k:v|text/x|1|re/t|cd|{\"tst\":\"", stdout, StringComparison.Ordinal);
        Assert.EndsWith("\"topic\":\"parity/props\",\"qos\":0,\"retain\":1,\"payloadlen\":1,\"properties\":{\"content-type\":\"text/x\",\"response-topic\":\"re/t\",\"user-properties\":{\"k\":\"v\"}},\"payload\":\"p\"}\n", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Error: Invalid format specifier 'i'.", "sub", "-t", "a", "-F", "%i")]
    [InlineData("Error: Incomplete escape specifier.", "sub", "-t", "a", "-F", "%t\\")]
    [InlineData("Error: Invalid property name given in --property argument.", "pub", "-V", "5", "-t", "a", "-m", "x", "-D", "publish", "bogus", "1")]
    [InlineData("Error: content-type property not allowed for subscribe in --property argument.", "pub", "-V", "5", "-t", "a", "-m", "x", "-D", "subscribe", "content-type", "a")]
    [InlineData("Error: Problem setting TLS options, check the options are valid.", "pub", "-t", "a", "-m", "x", "--tls-version", "tlsv9", "--insecure")]
    [InlineData("Error: --repeat-delay argument must be >=0.0.", "pub", "-t", "a", "-m", "x", "--repeat-delay", "-1")]
    public async Task Usage_errors_of_the_new_flags_exit_1_with_mosquittos_wording(string message, params string[] args)
    {
        var (exitCode, _, stderr) = await TetherProcess.RunAsync(args);
        Assert.Equal(1, exitCode);
        Assert.StartsWith(message + "\n", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sub_U_removes_a_subscription_kept_in_a_persistent_session()
    {
        var keep = "keep-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(0, (await TetherProcess.RunAsync("sub", "-p", _port, "-c", "-i", keep, "-q", "1", "-t", "parity/u/a", "-E")).ExitCode);
        Assert.Equal(0, (await TetherProcess.RunAsync("sub", "-p", _port, "-c", "-i", keep, "-q", "1", "-t", "parity/u/b", "-U", "parity/u/a", "-E")).ExitCode);

        // Queued for the offline session in this order: had -U failed, parity/u/a would be printed first.
        await PubAsync("-t", "parity/u/a", "-m", "unsubscribed", "-q", "1");
        await PubAsync("-t", "parity/u/b", "-m", "subscribed", "-q", "1");
        var (exitCode, stdout, stderr) = await TetherProcess.RunAsync("sub", "-p", _port, "-c", "-i", keep, "-q", "1", "-t", "parity/u/b", "-C", "1", "-v");
        Assert.True(exitCode == 0, stderr);
        Assert.Equal("parity/u/b subscribed\n", stdout);
    }

    [Fact]
    public async Task Sub_remove_retained_clears_what_it_receives_except_filtered_topics()
    {
        await PubAsync("-t", "parity/rr/1", "-m", "one", "-r");
        await PubAsync("-t", "parity/rr/2", "-m", "two", "-r");
        await PubAsync("-t", "parity/rr/keep", "-m", "kept", "-r");

        // As in mosquitto_sub(1)'s example: with --retained-only it stops at the first live message (a clear's echo).
        var (exitCode, _, stderr) = await TetherProcess.RunAsync("sub", "-p", _port, "-t", "parity/rr/#", "-T", "parity/rr/keep", "--remove-retained", "--retained-only", "-W", "5");
        Assert.True(exitCode == 0, stderr);

        var after = await TetherProcess.RunAsync("sub", "-p", _port, "-t", "parity/rr/#", "-v", "-C", "1");
        Assert.Equal("parity/rr/keep kept\n", after.StandardOutput);
    }

    [Fact]
    public async Task Pub_repeat_with_delay_and_a_bind_address_sends_every_copy()
    {
        using var sub = TetherProcess.Start("sub", "-p", _port, "-t", "parity/rep", "-C", "3", "-d");
        await sub.WaitForLineAsync(l => l.StartsWith("Subscribed", StringComparison.Ordinal));
        var (exitCode, stdout, stderr) = await TetherProcess.RunAsync("pub", "-p", _port, "-A", "127.0.0.1", "-t", "parity/rep", "-m", "r", "--repeat", "3", "--repeat-delay", "0.05", "-d");
        Assert.True(exitCode == 0, stderr);
        Assert.Equal(3, Lines(stdout).Count(l => l.Contains("sending PUBLISH", StringComparison.Ordinal)));
        Assert.Equal(0, await sub.WaitForExitAsync());
        Assert.Equal(3, Lines(sub.StandardOutput).Count(l => l == "r"));
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private async Task PubAsync(params string[] args)
    {
        var (exitCode, _, stderr) = await TetherProcess.RunAsync(["pub", "-p", _port, .. args]);
        Assert.True(exitCode == 0, stderr);
    }

    /// <summary>Runs a Mosquitto tool when it is installed; null (the comparison skipped) when it is not.</summary>
    private static async Task<string?> MosquittoToolAsync(string tool, string[] args)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, tool))
            .FirstOrDefault(File.Exists);
        if (path is null)
        {
            Console.WriteLine($"{tool} is not installed: comparison with the real tool skipped (apt-get install mosquitto-clients).");
            return null;
        }

        var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TetherProcess.Timeout);
        return await output.WaitAsync(TetherProcess.Timeout);
    }
}
