using System.Text;
using Tether.Server.Security;

namespace Tether.Cli.Tests;

/// <summary><c>tether passwd</c> with mosquitto_passwd's flags, and <c>--test-config</c>.</summary>
public sealed class PasswdCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tether-passwd-").FullName;

    private string FilePath => Path.Combine(_directory, "passwd");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Batch_create_add_update_and_delete_round_trip()
    {
        Assert.Equal(0, (await TetherProcess.RunAsync("passwd", "-c", "-b", FilePath, "alice", "s3cret pass")).ExitCode);
        Assert.Equal(0, (await TetherProcess.RunAsync("passwd", "-b", "-H", "sha512", FilePath, "carol", "ünïcode")).ExitCode);
        Assert.Equal(0, (await TetherProcess.RunAsync("passwd", "-b", "-I", "1000", FilePath, "dave", "d")).ExitCode);

        var file = PasswordFile.Load(FilePath);
        Assert.Equal(3, file.Count);
        Assert.True(file.TryGetHash("alice", out var alice));
        Assert.Equal(PasswordHashKind.Sha512Pbkdf2, alice!.Kind);
        Assert.Equal(101, alice.Iterations); // mosquitto_passwd's default
        Assert.True(alice.Verify(Encoding.UTF8.GetBytes("s3cret pass")));
        Assert.True(file.TryGetHash("carol", out var carol));
        Assert.Equal(PasswordHashKind.Sha512, carol!.Kind);
        Assert.True(carol.Verify(Encoding.UTF8.GetBytes("ünïcode")));
        Assert.True(file.TryGetHash("dave", out var dave));
        Assert.Equal(1000, dave!.Iterations);

        // Updating a user replaces its line in place; deleting removes it.
        Assert.Equal(0, (await TetherProcess.RunAsync("passwd", "-b", FilePath, "alice", "new")).ExitCode);
        Assert.Equal(0, (await TetherProcess.RunAsync("passwd", "-D", FilePath, "carol")).ExitCode);
        var lines = await File.ReadAllLinesAsync(FilePath);
        Assert.Equal(["alice", "dave"], lines.Select(l => l[..l.IndexOf(':', StringComparison.Ordinal)]));
        Assert.True(PasswordFile.Load(FilePath).TryGetHash("alice", out var updated) && updated!.Verify("new"u8));
    }

    [Fact]
    public async Task Update_hashes_plain_text_passwords_and_keeps_hashes_and_comments()
    {
        var hashed = "bob:" + PasswordHash.Create("b"u8);
        await File.WriteAllTextAsync(FilePath, $"# users\nann:plain\n{hashed}\n");
        Assert.Equal(0, (await TetherProcess.RunAsync("passwd", "-U", FilePath)).ExitCode);
        var lines = await File.ReadAllLinesAsync(FilePath);
        Assert.Equal("# users", lines[0]);
        Assert.StartsWith("ann:$7$101$", lines[1], StringComparison.Ordinal);
        Assert.Equal(hashed, lines[2]);
        Assert.True(PasswordFile.Load(FilePath).TryGetHash("ann", out var ann) && ann!.Verify("plain"u8));
    }

    [Theory]
    [InlineData("Error: Username must not contain the ':' character.", "passwd", "-c", "-b", "{file}", "a:b", "x")]
    [InlineData("Error: Unable to open password file", "passwd", "-b", "{file}", "a", "x")]
    [InlineData("Warning: User nobody not found in password file.", "passwd", "-D", "{existing}", "nobody")]
    [InlineData("Error: -c and -D cannot be used together.", "passwd", "-c", "-D", "{file}", "a")]
    [InlineData("Error: Unknown hash type 'md5'", "passwd", "-H", "md5", "-b", "{file}", "a", "x")]
    [InlineData("Error: -I needs a number of iterations", "passwd", "-I", "0", "-b", "{file}", "a", "x")]
    [InlineData("Error: -b needs the password file, the user name and the password", "passwd", "-b", "{file}", "a")]
    public async Task Misuse_exits_1_with_mosquitto_passwd_messages(string expected, params string[] args)
    {
        var existing = Path.Combine(_directory, "existing");
        await File.WriteAllTextAsync(existing, "bob:" + PasswordHash.Create("b"u8) + "\n");
        var resolved = args.Select(a => a.Replace("{file}", FilePath, StringComparison.Ordinal).Replace("{existing}", existing, StringComparison.Ordinal)).ToArray();
        var (exitCode, _, stderr) = await TetherProcess.RunAsync(resolved);
        Assert.Equal(1, exitCode);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_config_prints_configuration_ok_or_the_error()
    {
        Assert.Equal(0, (await TetherProcess.RunAsync("passwd", "-c", "-b", FilePath, "alice", "a")).ExitCode);
        var acl = Path.Combine(_directory, "acl");
        await File.WriteAllTextAsync(acl, "user alice\ntopic a/#\n");
        var config = Path.Combine(_directory, "mosquitto.conf");
        await File.WriteAllTextAsync(config, $"listener 18999\npassword_file {FilePath}\nacl_file {acl}\n");
        var (exitCode, stdout, _) = await TetherProcess.RunAsync("--test-config", "-c", config);
        Assert.Equal(0, exitCode);
        Assert.Equal("configuration OK\n", stdout);

        await File.WriteAllTextAsync(acl, "user alice\ntopik a/#\n");
        (exitCode, _, var stderr) = await TetherProcess.RunAsync("--test-config", "-c", config);
        Assert.Equal(1, exitCode);
        Assert.Contains($"Invalid line 2 in acl_file {acl}: unknown keyword 'topik'", stderr, StringComparison.Ordinal);

        await File.WriteAllTextAsync(config, "listener 18999\nmax_keepalive 5\n");
        (exitCode, _, stderr) = await TetherProcess.RunAsync("--test-config", "-c", config);
        Assert.Equal(1, exitCode);
        Assert.Contains($"line 2 of {config}", stderr, StringComparison.Ordinal);
        Assert.Contains("max_keepalive", stderr, StringComparison.Ordinal);
    }
}
