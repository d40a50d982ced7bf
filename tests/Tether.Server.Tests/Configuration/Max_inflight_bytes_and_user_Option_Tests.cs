using Microsoft.Extensions.Logging;
using Tether.Server.Tests.Logging;

namespace Tether.Server.Tests.Configuration;

/// <summary>max_inflight_bytes reaches the broker; user: Tether refuses to run as root for another user instead of switching.</summary>
public sealed class Max_inflight_bytes_and_user_Option_Tests
{
    [Fact]
    public void Max_inflight_bytes_sets_the_broker_option()
    {
        Assert.Equal(0, MosquittoConfigParser.Parse(string.Empty, "mosquitto.conf").Broker.MaxInflightBytes);
        Assert.Equal(1_048_576, MosquittoConfigParser.Parse("max_inflight_bytes 1048576\n", "mosquitto.conf").Broker.MaxInflightBytes);
    }

    [Theory]
    [InlineData("max_inflight_bytes -1", "Invalid value '-1'")]
    [InlineData("max_inflight_bytes lots", "Invalid value 'lots'")]
    [InlineData("user", "it needs a value")]
    [InlineData("user a b", "unexpected 'b'")]
    public void Errors_name_the_line(string text, string message)
    {
        var error = Assert.Throws<MosquittoConfigException>(() => MosquittoConfigParser.Parse("\n" + text + "\n", "mosquitto.conf"));
        Assert.Equal(2, error.LineNumber);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains("line 2 of mosquitto.conf", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void User_is_kept_with_its_line()
    {
        var configuration = MosquittoConfigParser.Parse("listener 1884\nuser mosquitto\n", "mosquitto.conf");
        Assert.Equal("mosquitto", configuration.User);
        Assert.Equal("line 2 of mosquitto.conf", configuration.UserSetAt);
    }

    [Fact]
    public async Task Started_as_root_with_user_set_to_another_account_start_up_stops_and_says_what_to_do()
    {
        var configuration = Hosting.TestServers.Loopback() with { User = "mosquitto", UserSetAt = "line 7 of mosquitto.conf" };
        await using var server = new TetherServer(configuration, new TetherServerOptions { RunningAsRoot = true });
        var error = await Assert.ThrowsAsync<MosquittoConfigException>(() => server.StartAsync(CancellationToken.None));
        Assert.Contains("started as root with 'user mosquitto' (line 7 of mosquitto.conf)", error.Message, StringComparison.Ordinal);
        Assert.Contains("User=mosquitto", error.Message, StringComparison.Ordinal);
        Assert.Empty(server.BoundListeners);
    }

    [Theory]
    [InlineData(null, true, true)] // No user line: Mosquitto would switch to 'mosquitto'; Tether warns and carries on.
    [InlineData("root", true, false)] // 'user root' means stay root, for both.
    [InlineData("mosquitto", false, false)] // Not root: user has no effect, as in Mosquitto.
    public async Task Otherwise_it_starts_warning_only_when_it_stays_root_without_being_asked(string? user, bool root, bool warns)
    {
        var recorder = new LogRecorder();
        var configuration = Hosting.TestServers.Loopback() with { User = user };
        await using var server = new TetherServer(configuration, new TetherServerOptions
        {
            RunningAsRoot = root,
            ConfigureLogging = logging =>
            {
                logging.ClearProviders();
                logging.AddProvider(recorder);
            },
        });
        await server.StartAsync(CancellationToken.None).WaitAsync(Hosting.TestServers.Timeout);
        Assert.NotEmpty(server.BoundListeners);
        Assert.Equal(warns, recorder.Lines.Any(l => l.StartsWith("Running as root: Tether does not switch to the 'mosquitto' user", StringComparison.Ordinal)));
    }
}
