using System.Net.Security;
using System.Security.Authentication;
using Tether.Server.Tests.Hosting;

namespace Tether.Server.Tests.Tls;

/// <summary>ciphers and ciphers_tls1.3, observed from the client side of the handshake.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class Ciphers_Tests : IDisposable
{
    private readonly TestCertificates _certificates = new();

    public void Dispose() => _certificates.Dispose();

    [Fact]
    public async Task Ciphers_restricts_TLS_1_2_to_the_listed_suites()
    {
        var configuration = MosquittoConfigParser.Parse(
            $"listener 8883 127.0.0.1\ncertfile {_certificates.ServerCertFile}\nkeyfile {_certificates.ServerKeyFile}\nciphers ECDHE-ECDSA-AES128-GCM-SHA256\nallow_anonymous true\n", "tls.conf");
        await using var server = await TestServers.StartAsync(configuration with { Listeners = [configuration.Listeners[0] with { Port = 0 }] });

        await using (var client = await TlsClient.ConnectAsync(server.EndPoint(), _certificates, versions: SslProtocols.Tls12))
        {
            Assert.Equal(TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, client.Stream.NegotiatedCipherSuite);
            Assert.True(await client.ConnectMqttAsync());
        }

        // A client that offers only suites outside the list gets no handshake.
        var other = new CipherSuitesPolicy([TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256]);
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var refused = await TlsClient.ConnectAsync(server.EndPoint(), _certificates, versions: SslProtocols.Tls12, cipherSuites: other);
        });

        // Without ciphers_tls1.3, TLS 1.3 keeps its defaults.
        await using var tls13 = await TlsClient.ConnectAsync(server.EndPoint(), _certificates, versions: SslProtocols.Tls13);
        Assert.Equal(SslProtocols.Tls13, tls13.Stream.SslProtocol);
    }

    [Fact]
    public async Task Ciphers_tls1_3_restricts_TLS_1_3_to_the_listed_suites()
    {
        var listener = _certificates.Listener() with { CiphersTls13 = [TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256] };
        await using var server = await TestServers.StartAsync(new TetherConfiguration { Listeners = [listener] });

        await using (var client = await TlsClient.ConnectAsync(server.EndPoint(), _certificates, versions: SslProtocols.Tls13))
        {
            Assert.Equal(TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256, client.Stream.NegotiatedCipherSuite);
        }

        var aesOnly = new CipherSuitesPolicy([TlsCipherSuite.TLS_AES_256_GCM_SHA384, TlsCipherSuite.TLS_AES_128_GCM_SHA256]);
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var refused = await TlsClient.ConnectAsync(server.EndPoint(), _certificates, versions: SslProtocols.Tls13, cipherSuites: aesOnly);
        });
    }

    [Theory]
    [InlineData("ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384", new[] { TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 })]
    [InlineData("AES128-SHA, DHE-RSA-CHACHA20-POLY1305", new[] { TlsCipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA, TlsCipherSuite.TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256 })]
    [InlineData("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", new[] { TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 })]
    public void OpenSSL_names_map_to_IANA_suites(string list, TlsCipherSuite[] expected)
    {
        Assert.True(OpenSslCipherList.TryParseTls12(list, out var suites, out _));
        Assert.Equal(expected, suites);
    }

    [Theory]
    [InlineData("HIGH:!aNULL", "HIGH")]
    [InlineData("ECDHE-RSA-AES128-GCM-SHA256:RC4-MD5", "RC4-MD5")]
    [InlineData("TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256")]
    public void Unknown_names_are_reported(string list, string unknown)
    {
        Assert.False(OpenSslCipherList.TryParseTls12(list, out _, out var reported));
        Assert.Equal(unknown, reported);
    }
}
