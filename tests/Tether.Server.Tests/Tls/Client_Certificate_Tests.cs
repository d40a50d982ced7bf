using System.Collections.Concurrent;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Tether.Server.Tests.Hosting;
using Tether.Server.Tests.Security;

namespace Tether.Server.Tests.Tls;

/// <summary>capath, crlfile, use_identity_as_username and use_subject_as_username, with certificates made here.</summary>
public sealed class Client_Certificate_Tests : IDisposable
{
    private readonly TestCertificates _certificates = new();

    public void Dispose() => _certificates.Dispose();

    [Fact]
    public async Task Capath_alone_checks_client_certificates_against_every_PEM_in_the_directory()
    {
        // Not rehashed: the CA sits under an ordinary name next to a file that is not a certificate.
        var directory = Directory.CreateDirectory(Path.Combine(_certificates.Directory, "cas"));
        File.Copy(_certificates.CaFile, Path.Combine(directory.FullName, "my-ca.pem"));
        File.WriteAllText(Path.Combine(directory.FullName, "README"), "CA certificates for the broker\n");
        var listener = _certificates.Listener() with { CaPath = directory.FullName, RequireCertificate = true };
        await using var server = await TestServers.StartAsync(new TetherConfiguration { Listeners = [listener] });

        foreach (var version in new[] { SslProtocols.Tls12, SslProtocols.Tls13 })
        {
            Assert.True(await TlsClient.IsAcceptedAsync(server.EndPoint(), _certificates, _certificates.ClientCertificate, version));
            Assert.False(await TlsClient.IsAcceptedAsync(server.EndPoint(), _certificates, _certificates.StrangerCertificate, version));
        }
    }

    [Fact]
    public async Task Crlfile_refuses_a_revoked_client_certificate_and_accepts_the_others()
    {
        var revoked = _certificates.IssueClient("revoked", "CN=revoked-client");
        var crl = _certificates.WriteCrl("ca.crl", DateTimeOffset.UtcNow.AddDays(7), revoked);
        var log = new ConcurrentQueue<string>();
        var listener = _certificates.Listener(requireCertificate: true) with { CrlFile = crl };
        await using var server = await TestServers.StartAsync(new TetherConfiguration { Listeners = [listener] }, log);

        foreach (var version in new[] { SslProtocols.Tls12, SslProtocols.Tls13 })
        {
            Assert.True(await TlsClient.IsAcceptedAsync(server.EndPoint(), _certificates, _certificates.ClientCertificate, version));
            Assert.False(await TlsClient.IsAcceptedAsync(server.EndPoint(), _certificates, revoked, version));
        }

        Assert.Contains(log, l => l.Contains("'CN=revoked-client'", StringComparison.Ordinal) && l.Contains("is revoked by crlfile", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Crlfile_without_a_current_CRL_from_the_issuer_refuses_clients_like_OpenSSL()
    {
        var expired = _certificates.WriteCrl("expired.crl", DateTimeOffset.UtcNow.AddMinutes(-1));
        var log = new ConcurrentQueue<string>();
        var listener = _certificates.Listener(requireCertificate: true) with { CrlFile = expired };
        await using var server = await TestServers.StartAsync(new TetherConfiguration { Listeners = [listener] }, log);

        Assert.False(await TlsClient.IsAcceptedAsync(server.EndPoint(), _certificates, _certificates.ClientCertificate, SslProtocols.Tls12));
        Assert.Contains(log, l => l.Contains("expired", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task Use_identity_as_username_makes_the_CN_the_user_for_the_ACL_without_a_password(MqttProtocolVersion version)
    {
        var alice = _certificates.IssueClient("alice", "CN=alice,O=Tether Tests");
        await using var test = new SecurityTestServer();
        File.WriteAllText(test.PasswordFile, string.Empty); // Nobody has a password: the certificate is the credential.
        File.WriteAllText(test.AclFile, "user alice\ntopic readwrite alice/#\n");
        var port = Password_File_Tests.FreePort();
        await test.StartAsync(
            $"listener {port} 127.0.0.1\ncertfile {_certificates.ServerCertFile}\nkeyfile {_certificates.ServerKeyFile}\n"
            + $"cafile {_certificates.CaFile}\nrequire_certificate true\nuse_identity_as_username true\n"
            + $"password_file {test.PasswordFile}\nacl_file {test.AclFile}\n");

        using var client = new MqttClientFactory().CreateMqttClient();
        var received = new ConcurrentQueue<string>();
        var gotOwn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ApplicationMessageReceivedAsync += e =>
        {
            received.Enqueue(e.ApplicationMessage.Topic);
            if (e.ApplicationMessage.Topic == "alice/done")
            {
                gotOwn.TrySetResult();
            }

            return Task.CompletedTask;
        };

        // The CONNECT's user name and password are ignored: the certificate says who this is.
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithProtocolVersion(version)
            .WithClientId("alice-device")
            .WithCredentials("mallory", "wrong")
            .WithTimeout(TestServers.Timeout)
            .WithTlsOptions(o => o.UseTls()
                .WithClientCertificates([alice])
                .WithCertificateValidationHandler(e => _certificates.Trusts(e.Certificate)))
            .Build();
        var connect = await client.ConnectAsync(options).WaitAsync(TestServers.Timeout);
        Assert.Equal(MqttClientConnectResultCode.Success, connect.ResultCode);

        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("alice/#").WithTopicFilter("bob/#").Build()).WaitAsync(TestServers.Timeout);
        var denied = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("bob/1").WithPayload("x").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build()).WaitAsync(TestServers.Timeout);
        await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("alice/done").WithPayload("x").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build()).WaitAsync(TestServers.Timeout);
        await gotOwn.Task.WaitAsync(TestServers.Timeout);

        Assert.Equal(["alice/done"], received);
        if (version == MqttProtocolVersion.V500)
        {
            Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, denied.ReasonCode);
        }

        Assert.Contains(test.Log, l => l.Contains("as alice-device (p", StringComparison.Ordinal) && l.Contains("u'alice'", StringComparison.Ordinal));
        await client.DisconnectAsync().WaitAsync(TestServers.Timeout);
    }

    [Fact]
    public async Task Use_subject_as_username_makes_the_RFC2253_subject_the_user()
    {
        var device = _certificates.IssueClient("device", "CN=test client, OU=Production, O=Tether, C=GB");
        var log = new ConcurrentQueue<string>();
        var listener = _certificates.Listener(requireCertificate: true) with { UseSubjectAsUserName = true };
        await using var server = await TestServers.StartAsync(new TetherConfiguration { Listeners = [listener] }, log);

        await using var client = await TlsClient.ConnectAsync(server.EndPoint(), _certificates, device);
        Assert.True(await client.ConnectMqttAsync());
        Assert.Contains(log, l => l.Contains("u'CN=test client,OU=Production,O=Tether,C=GB'", StringComparison.Ordinal));
    }

    [Fact]
    public void Subject_is_printed_like_OpenSSL_RFC2253()
    {
        var name = new X500DistinguishedName("CN=test client, OU=Production, O=Server, L=Nottingham, ST=Nottinghamshire, C=GB");
        Assert.Equal("CN=test client,OU=Production,O=Server,L=Nottingham,ST=Nottinghamshire,C=GB", CertificateUserName.Subject(name));

        var escaped = new X500DistinguishedName("CN=\" a+b \", O=\"Smith, Jones\"");
        Assert.Equal("CN=\\ a\\+b\\ ,O=Smith\\, Jones", CertificateUserName.Subject(escaped));
        Assert.Equal(" a+b ", CertificateUserName.CommonName(escaped));
        Assert.Null(CertificateUserName.CommonName(new X500DistinguishedName("O=NoCommonName")));
    }

    [Fact]
    public async Task A_certificate_without_a_CN_is_refused_with_bad_user_name_or_password()
    {
        var nameless = _certificates.IssueClient("nameless", "O=No Name");
        var listener = _certificates.Listener(requireCertificate: true) with { UseIdentityAsUserName = true };
        await using var server = await TestServers.StartAsync(new TetherConfiguration { Listeners = [listener] });
        await using var client = await TlsClient.ConnectAsync(server.EndPoint(), _certificates, nameless);
        await client.Stream.WriteAsync(TestServers.Connect311).AsTask().WaitAsync(TestServers.Timeout);
        Assert.Equal([0x20, 0x02, 0x00, 0x04], await client.ReadAsync(4)); // 3.1.1: 4 = bad user name or password.
    }
}
