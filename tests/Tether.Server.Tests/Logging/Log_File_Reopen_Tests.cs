using Tether.Server.Tests.Hosting;

namespace Tether.Server.Tests.Logging;

/// <summary>SIGHUP reopens log_dest file, so that logrotate's move-and-signal starts a new file.</summary>
public sealed class Log_File_Reopen_Tests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tether-logs-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task Reload_reopens_the_log_file_by_name_after_it_was_moved()
    {
        var logFile = Path.Combine(_directory.FullName, "mosquitto.log");
        var passwordFile = Path.Combine(_directory.FullName, "passwd");
        File.WriteAllText(passwordFile, string.Empty);
        var configuration = MosquittoConfigParser.Parse(
            $"listener {Security.Password_File_Tests.FreePort()} 127.0.0.1\nlog_dest file {logFile}\nlog_timestamp false\npassword_file {passwordFile}\n",
            Path.Combine(_directory.FullName, "mosquitto.conf"));
        await using var server = new TetherServer(configuration);
        await server.StartAsync(CancellationToken.None).WaitAsync(TestServers.Timeout);

        // What logrotate does before it sends SIGHUP.
        var rotated = logFile + ".1";
        File.Move(logFile, rotated);
        Assert.True(server.Reload());

        // "Reloading config." is written before the reopen, "Reloaded password and ACL files." after it.
        var before = File.ReadAllText(rotated);
        Assert.Contains("tether version 0.1.0 running\n", before, StringComparison.Ordinal);
        Assert.Contains("Reloading config.\n", before, StringComparison.Ordinal);
        var after = File.ReadAllText(logFile);
        Assert.Equal("Reloaded password and ACL files.\n", after);
    }

    [Fact]
    public async Task A_log_file_that_cannot_be_reopened_keeps_the_old_one()
    {
        var logDirectory = Directory.CreateDirectory(Path.Combine(_directory.FullName, "logs"));
        var logFile = Path.Combine(logDirectory.FullName, "mosquitto.log");
        var configuration = MosquittoConfigParser.Parse(
            $"listener {Security.Password_File_Tests.FreePort()} 127.0.0.1\nlog_dest file {logFile}\nlog_timestamp false\n", "mosquitto.conf");
        await using var server = new TetherServer(configuration);
        await server.StartAsync(CancellationToken.None).WaitAsync(TestServers.Timeout);

        // The directory is replaced by a file of the same name: the log file's path can no longer be opened.
        var moved = logDirectory.FullName + ".old";
        Directory.Move(logDirectory.FullName, moved);
        File.WriteAllText(logDirectory.FullName, "not a directory");
        Assert.False(server.Reload());

        var text = File.ReadAllText(Path.Combine(moved, "mosquitto.log"));
        Assert.Contains($"Cannot reopen the log file {logFile}, still writing to the old one", text, StringComparison.Ordinal);
    }
}
