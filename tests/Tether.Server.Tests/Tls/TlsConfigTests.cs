using System.Security.Authentication;

namespace Tether.Server.Tests.Tls;

/// <summary>certfile, keyfile, cafile, require_certificate and tls_version in mosquitto.conf.</summary>
public sealed class TlsConfigTests : IDisposable
{
    private readonly TestCertificates _certificates = new();

    public void Dispose() => _certificates.Dispose();

    [Fact]
    public void TLS_options_configure_the_most_recent_listener()
    {
        var configuration = MosquittoConfigParser.Parse(
            $"listener 1883\nlistener 8883\ncertfile {_certificates.ServerCertFile}\nkeyfile {_certificates.ServerKeyFile}\n"
            + $"cafile {_certificates.CaFile}\nrequire_certificate true\ntls_version tlsv1.3\n",
            "tls.conf");

        var plain = configuration.Listeners[0];
        Assert.False(plain.UsesTls);
        var tls = configuration.Listeners[1];
        Assert.True(tls.UsesTls);
        Assert.Equal(_certificates.ServerCertFile, tls.CertFile);
        Assert.Equal(_certificates.ServerKeyFile, tls.KeyFile);
        Assert.Equal(_certificates.CaFile, tls.CaFile);
        Assert.True(tls.RequireCertificate);
        Assert.Equal(SslProtocols.Tls13, tls.TlsVersions);
    }

    [Fact]
    public void Capath_crlfile_ciphers_and_user_names_from_certificates_configure_the_most_recent_listener()
    {
        var crl = _certificates.WriteCrl("ca.crl", DateTimeOffset.UtcNow.AddDays(1));
        var configuration = MosquittoConfigParser.Parse(
            $"listener 8883\ncertfile {_certificates.ServerCertFile}\nkeyfile {_certificates.ServerKeyFile}\ncapath {_certificates.Directory}\n"
            + $"require_certificate true\ncrlfile {crl}\nciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256\n"
            + "ciphers_tls1.3 TLS_AES_128_GCM_SHA256\nuse_identity_as_username true\nlistener 8884\n",
            "tls.conf");
        var tls = configuration.Listeners[0];
        Assert.Equal(_certificates.Directory, tls.CaPath);
        Assert.Null(tls.CaFile);
        Assert.Equal(crl, tls.CrlFile);
        Assert.Equal([System.Net.Security.TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, System.Net.Security.TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256], tls.Ciphers);
        Assert.Equal([System.Net.Security.TlsCipherSuite.TLS_AES_128_GCM_SHA256], tls.CiphersTls13);
        Assert.True(tls.UseIdentityAsUserName);
        Assert.False(tls.UseSubjectAsUserName);

        var plain = configuration.Listeners[1];
        Assert.Null(plain.CaPath);
        Assert.Null(plain.Ciphers);
        Assert.False(plain.UseIdentityAsUserName);
    }

    [Fact]
    public void Tls_version_tlsv1_2_allows_1_2_and_1_3()
    {
        var configuration = MosquittoConfigParser.Parse(
            $"listener 8883\ncertfile {_certificates.ServerCertFile}\nkeyfile {_certificates.ServerKeyFile}\ntls_version tlsv1.2\n", "tls.conf");
        Assert.Equal(SslProtocols.Tls12 | SslProtocols.Tls13, configuration.Listeners[0].TlsVersions);
    }

    [Fact]
    public async Task A_parsed_TLS_listener_serves_TLS()
    {
        var configuration = MosquittoConfigParser.Parse(
            $"listener 8883 127.0.0.1\ncertfile {_certificates.ServerCertFile}\nkeyfile {_certificates.ServerKeyFile}\nallow_anonymous true\n", "tls.conf");
        var listener = configuration.Listeners[0] with { Port = 0 };
        await using var server = await Hosting.TestServers.StartAsync(configuration with { Listeners = [listener] });
        Assert.True(server.BoundListeners[0].Listener.UsesTls);
    }

    [Theory]
    [InlineData("listener 8883\ncertfile {missing}\nkeyfile {key}\n", 2, "certfile", "no such file")]
    [InlineData("listener 8883\ncertfile {cert}\nkeyfile {missing}\n", 3, "keyfile", "no such file")]
    [InlineData("listener 8883\ncafile {missing}\n", 2, "cafile", "no such file")]
    [InlineData("listener 8883\ncertfile {cert}\nlistener 8884\n", 2, "certfile", "certfile needs a keyfile")]
    [InlineData("listener 8883\ncertfile {cert}\n", 2, "certfile", "certfile needs a keyfile")]
    [InlineData("listener 8883\nkeyfile {key}\n", 2, "keyfile", "keyfile needs a certfile")]
    [InlineData("listener 8883\ncertfile {cert}\nkeyfile {key}\nrequire_certificate true\n", 4, "require_certificate", "needs a cafile")]
    [InlineData("listener 8883\nrequire_certificate true\ncafile {ca}\n", 2, "require_certificate", "needs certfile and keyfile")]
    [InlineData("listener 8883\nrequire_certificate maybe\n", 2, "require_certificate", "expected true or false")]
    [InlineData("listener 8883\ntls_version tlsv1.1\n", 2, "tls_version", "does not support 'tls_version tlsv1.1'")]
    [InlineData("listener 8883\ntls_version sslv3\n", 2, "tls_version", "Invalid value 'sslv3'")]
    [InlineData("listener 8883\ncertfile {key}\nkeyfile {key}\n", 2, "certfile", "cannot load the certificate")]
    [InlineData("listener 8883\ncertfile {cert}\nkeyfile {cert}\n", 2, "certfile", "cannot load the certificate")]
    [InlineData("listener 8883\ncafile {key}\n", 2, "cafile", "holds no PEM certificate")]
    [InlineData("listener 8883\ncapath {missing}\n", 2, "capath", "cannot load CA certificates from the directory")]
    [InlineData("listener 8883\ncapath {empty}\n", 2, "capath", "holds no PEM certificate")]
    [InlineData("listener 8883\ncrlfile {missing}\n", 2, "crlfile", "no such file")]
    [InlineData("listener 8883\ncrlfile {cert}\n", 2, "crlfile", "cannot load the CRL file")]
    [InlineData("listener 8883\n\nciphers HIGH:!aNULL\n", 3, "ciphers", "unknown TLS 1.2 cipher 'HIGH'")]
    [InlineData("listener 8883\nciphers ECDHE-RSA-AES128-GCM-SHA256:NOT-A-CIPHER\n", 2, "ciphers", "unknown TLS 1.2 cipher 'NOT-A-CIPHER'")]
    [InlineData("listener 8883\nciphers_tls1.3 TLS_AES_512_GCM_SHA1024\n", 2, "ciphers_tls1.3", "unknown TLS 1.3 cipher suite 'TLS_AES_512_GCM_SHA1024'")]
    [InlineData("listener 8883\ncertfile {cert}\nkeyfile {key}\nuse_identity_as_username true\n", 4, "use_identity_as_username", "needs 'require_certificate true'")]
    [InlineData("listener 8883\ncertfile {cert}\nkeyfile {key}\nuse_subject_as_username true\n", 4, "use_subject_as_username", "needs 'require_certificate true'")]
    [InlineData("listener 8883\nuse_identity_as_username yes\n", 2, "use_identity_as_username", "true or false")]
    [InlineData("listener 8883\ncertfile {cert}\nkeyfile {key}\ncrlfile {crl}\n", 4, "crlfile", "crlfile needs 'require_certificate true'")]
    public void TLS_errors_name_the_line(string template, int line, string option, string message)
    {
        var text = template
            .Replace("{missing}", Path.Combine(_certificates.Directory, "missing.pem"), StringComparison.Ordinal)
            .Replace("{cert}", _certificates.ServerCertFile, StringComparison.Ordinal)
            .Replace("{key}", _certificates.ServerKeyFile, StringComparison.Ordinal)
            .Replace("{ca}", _certificates.CaFile, StringComparison.Ordinal)
            .Replace("{empty}", Directory.CreateDirectory(Path.Combine(_certificates.Directory, "empty")).FullName, StringComparison.Ordinal)
            .Replace("{crl}", _certificates.WriteCrl("ca.crl", DateTimeOffset.UtcNow.AddDays(1)), StringComparison.Ordinal);
        var e = Assert.Throws<MosquittoConfigException>(() => MosquittoConfigParser.Parse(text, "tls.conf"));
        Assert.Equal(line, e.LineNumber);
        Assert.Equal(option, e.Option);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Contains($"line {line} of tls.conf", e.Message, StringComparison.Ordinal);
    }
}
