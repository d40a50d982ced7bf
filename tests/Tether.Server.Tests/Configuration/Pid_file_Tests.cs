using System.Globalization;
using Tether.Server.Tests.Hosting;

namespace Tether.Server.Tests.Configuration;

/// <summary><c>pid_file PATH</c>: the process id is written at start-up and removed on a clean shutdown.</summary>
public sealed class Pid_file_Tests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tether-pid-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Pid_file_takes_the_rest_of_the_line()
    {
        Assert.Null(MosquittoConfigParser.Parse("", "m.conf").PidFile);
        Assert.Equal("/run/mosquitto/my broker.pid", MosquittoConfigParser.Parse("pid_file /run/mosquitto/my broker.pid\n", "m.conf").PidFile);
        var e = Assert.Throws<MosquittoConfigException>(() => MosquittoConfigParser.Parse("\npid_file\n", "m.conf"));
        Assert.Equal(2, e.LineNumber);
        Assert.Contains("it needs a value", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_pid_is_written_at_start_and_removed_at_shutdown()
    {
        var path = Path.Combine(_directory, "tether.pid");
        var configuration = MosquittoConfigParser.Parse($"pid_file {path}\n", "m.conf") with { Listeners = TestServers.Loopback().Listeners, DefaultListener = null };

        var server = await TestServers.StartAsync(configuration);
        try
        {
            // Like Mosquitto: the bare decimal id, no newline.
            Assert.Equal(Environment.ProcessId.ToString(CultureInfo.InvariantCulture), await File.ReadAllTextAsync(path));
        }
        finally
        {
            await server.StopAsync(CancellationToken.None);
        }

        Assert.False(File.Exists(path));
        await server.DisposeAsync();
    }

    [Fact]
    public async Task A_pid_file_that_cannot_be_written_stops_start_up()
    {
        var path = Path.Combine(_directory, "missing-dir", "tether.pid");
        var configuration = TestServers.Loopback() with { PidFile = path };

        var e = await Assert.ThrowsAsync<IOException>(() => TestServers.StartAsync(configuration));

        Assert.Contains($"Unable to write pid file {path}", e.Message, StringComparison.Ordinal);
    }
}
