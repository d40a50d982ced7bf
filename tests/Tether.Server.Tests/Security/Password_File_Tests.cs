using System.Net;
using System.Net.Sockets;
using MQTTnet;
using MQTTnet.Formatter;
using Tether.Server.Security;

namespace Tether.Server.Tests.Security;

/// <summary>password_file end to end: the seed deployment's configuration, CONNACK codes as Mosquitto 2.0.11 sends them, reload.</summary>
public class Password_File_Tests
{
    /// <summary>A line as `tether passwd -b FILE bob hunter2` writes it (same code path).</summary>
    private static string TetherPasswdLine(string user, string password) =>
        user + ":" + PasswordHash.Create(System.Text.Encoding.UTF8.GetBytes(password));

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task Seed_configuration_accepts_the_right_password_and_refuses_a_wrong_one(MqttProtocolVersion version)
    {
        await using var test = new SecurityTestServer();
        await File.WriteAllTextAsync(test.PasswordFile, PasswordFile_Tests.MosquittoPasswdFile + TetherPasswdLine("bob", "hunter2") + "\n");

        // The seed's file with its paths and fixed ports adapted.
        var seed = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "examples", "seed", "mosquitto.conf"));
        var config = seed
            .Replace("/mosquitto/data/", test.Directory + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            .Replace("/mosquitto/config/passwd", test.PasswordFile, StringComparison.Ordinal)
            .Replace("/mosquitto/log/mosquitto.log", Path.Combine(test.Directory, "mosquitto.log"), StringComparison.Ordinal)
            .Replace("port 1883", "port " + FreePort(), StringComparison.Ordinal)
            .Replace("listener 9001", "listener " + FreePort(), StringComparison.Ordinal);
        await test.StartAsync(config);

        var (alice, accepted) = await test.ConnectAsync(version, "alice-1", "alice", "s3cret pass"); // mosquitto_passwd's $7$
        Assert.Equal(MqttClientConnectResultCode.Success, accepted.ResultCode);
        var (carol, accepted6) = await test.ConnectAsync(version, "carol-1", "carol", "correct horse"); // mosquitto_passwd's $6$
        Assert.Equal(MqttClientConnectResultCode.Success, accepted6.ResultCode);
        var (bob, acceptedTether) = await test.ConnectAsync(version, "bob-1", "bob", "hunter2"); // tether passwd's $7$
        Assert.Equal(MqttClientConnectResultCode.Success, acceptedTether.ResultCode);

        // Mosquitto 2.0.11: "not authorised" for a wrong password, an unknown user and an anonymous client alike
        // (5 in 3.1.1, 0x87 in 5.0; observed with mosquitto_sub against Debian's 2.0.11).
        foreach (var (user, password) in new[] { ("alice", "wrong"), ("nobody", "x"), ((string?)null, (string?)null) })
        {
            var (refused, result) = await test.ConnectAsync(version, "refused", user, password);
            Assert.Equal(MqttClientConnectResultCode.NotAuthorized, result.ResultCode);
            refused.Dispose();
        }

        Assert.Contains(test.Log, l => l.Contains("authentication failed for user 'alice'", StringComparison.Ordinal) && l.Contains("127.0.0.1", StringComparison.Ordinal));
        Assert.DoesNotContain(test.Log, l => l.Contains("wrong", StringComparison.Ordinal));
        foreach (var client in new[] { alice, carol, bob })
        {
            await client.DisconnectAsync();
            client.Dispose();
        }
    }

    [Fact]
    public async Task Reload_applies_a_new_password_file_without_dropping_connections_and_keeps_the_old_one_on_error()
    {
        await using var test = new SecurityTestServer();
        await File.WriteAllTextAsync(test.PasswordFile, TetherPasswdLine("bob", "old") + "\n");
        var server = await test.StartAsync($"listener 0 127.0.0.1\npassword_file {test.PasswordFile}\n".Replace("listener 0", "listener " + FreePort(), StringComparison.Ordinal));
        var (connected, result) = await test.ConnectAsync(MqttProtocolVersion.V500, "bob-stays", "bob", "old");
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);

        await File.WriteAllTextAsync(test.PasswordFile, TetherPasswdLine("bob", "new") + "\n");
        Assert.True(server.ReloadSecurity());
        var (_, withOld) = await test.ConnectAsync(MqttProtocolVersion.V500, "bob-2", "bob", "old");
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, withOld.ResultCode);
        var (_, withNew) = await test.ConnectAsync(MqttProtocolVersion.V500, "bob-3", "bob", "new");
        Assert.Equal(MqttClientConnectResultCode.Success, withNew.ResultCode);

        await File.WriteAllTextAsync(test.PasswordFile, "bob:$5$unsupported$hash\n");
        Assert.False(server.ReloadSecurity());
        Assert.Contains(test.Log, l => l.Contains("Reload failed", StringComparison.Ordinal) && l.Contains("line 1", StringComparison.Ordinal));
        var (_, stillNew) = await test.ConnectAsync(MqttProtocolVersion.V500, "bob-4", "bob", "new");
        Assert.Equal(MqttClientConnectResultCode.Success, stillNew.ResultCode);

        // The first connection lived through both reloads.
        Assert.True(await connected.TryPingAsync());
        await connected.DisconnectAsync();
        connected.Dispose();
    }

    [Fact]
    public async Task A_password_file_with_an_unknown_hash_stops_start_up_naming_the_line()
    {
        await using var test = new SecurityTestServer();
        await File.WriteAllTextAsync(test.PasswordFile, PasswordFile_Tests.MosquittoPasswdFile + "eve:$2y$10$bcrypt\n");
        var e = await Assert.ThrowsAsync<MosquittoConfigException>(() => test.StartAsync($"listener {FreePort()} 127.0.0.1\npassword_file {test.PasswordFile}\n"));
        Assert.Equal(4, e.LineNumber);
        Assert.Contains("unknown hash type '$2y$'", e.Message, StringComparison.Ordinal);
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
