using System.Collections.Concurrent;
using Tether.Server.Tests.Hosting;

namespace Tether.Server.Tests.Tls;

/// <summary>SIGHUP reloads TLS certificates: new handshakes see the new one, connections stay, a bad file keeps the old one.</summary>
public sealed class Certificate_Reload_Tests : IDisposable
{
    private static readonly byte[] PingReq = [0xC0, 0x00];
    private static readonly byte[] PingResp = [0xD0, 0x00];

    private readonly TestCertificates _certificates = new();

    public void Dispose() => _certificates.Dispose();

    [Fact]
    public async Task Reload_serves_the_new_certificate_to_new_handshakes_and_keeps_existing_connections()
    {
        // The listener reads copies, which the test then replaces as an operator renewing a certificate would.
        var certFile = Path.Combine(_certificates.Directory, "live.crt");
        var keyFile = Path.Combine(_certificates.Directory, "live.key");
        File.Copy(_certificates.ServerCertFile, certFile);
        File.Copy(_certificates.ServerKeyFile, keyFile);
        var log = new ConcurrentQueue<string>();
        var listener = _certificates.Listener() with { CertFile = certFile, KeyFile = keyFile };
        await using var server = await TestServers.StartAsync(new TetherConfiguration { Listeners = [listener] }, log);

        await using var before = await TlsClient.ConnectAsync(server.EndPoint(), _certificates);
        Assert.True(await before.ConnectMqttAsync());
        var oldThumbprint = before.ServerCertificate.Thumbprint;

        var (renewedCert, renewedKey, renewed) = _certificates.IssueServer("renewed", "CN=127.0.0.1");
        File.Copy(renewedCert, certFile, overwrite: true);
        File.Copy(renewedKey, keyFile, overwrite: true);
        Assert.True(server.Reload()); // What the SIGHUP handler calls.

        await using (var after = await TlsClient.ConnectAsync(server.EndPoint(), _certificates))
        {
            Assert.Equal(renewed.Thumbprint, after.ServerCertificate.Thumbprint);
            Assert.NotEqual(oldThumbprint, renewed.Thumbprint);
            Assert.True(await after.ConnectMqttAsync());
        }

        // The connection made before the reload still speaks MQTT.
        await before.Stream.WriteAsync(PingReq).AsTask().WaitAsync(TestServers.Timeout);
        Assert.Equal(PingResp, await before.ReadAsync(2));
        Assert.Contains(log, l => l.Contains($"Reloaded the TLS certificate {certFile}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_reload_that_fails_keeps_the_previous_certificate_and_says_why()
    {
        var certFile = Path.Combine(_certificates.Directory, "live.crt");
        var keyFile = Path.Combine(_certificates.Directory, "live.key");
        File.Copy(_certificates.ServerCertFile, certFile);
        File.Copy(_certificates.ServerKeyFile, keyFile);
        var log = new ConcurrentQueue<string>();
        var listener = _certificates.Listener() with { CertFile = certFile, KeyFile = keyFile };
        await using var server = await TestServers.StartAsync(new TetherConfiguration { Listeners = [listener] }, log);
        string original;
        await using (var first = await TlsClient.ConnectAsync(server.EndPoint(), _certificates))
        {
            original = first.ServerCertificate.Thumbprint;
        }

        // A new certificate whose key was not copied yet: the pair does not match.
        var (renewedCert, _, _) = _certificates.IssueServer("renewed", "CN=127.0.0.1");
        File.Copy(renewedCert, certFile, overwrite: true);
        Assert.False(server.Reload());

        await using var after = await TlsClient.ConnectAsync(server.EndPoint(), _certificates);
        Assert.Equal(original, after.ServerCertificate.Thumbprint);
        Assert.True(await after.ConnectMqttAsync());
        Assert.Contains(log, l => l.Contains("keeping the previous ones", StringComparison.Ordinal) && l.Contains(certFile, StringComparison.Ordinal));
    }
}
