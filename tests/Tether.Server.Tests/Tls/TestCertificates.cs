using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tether.Server.Tests.Tls;

/// <summary>A CA, a server certificate for 127.0.0.1 and a client certificate, made at test time and written as PEM to a temporary directory.</summary>
internal sealed class TestCertificates : IDisposable
{
    private readonly List<X509Certificate2> _owned = [];

    public TestCertificates()
    {
        Directory = Path.Combine(Path.GetTempPath(), "tether-tls-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);

        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Tether Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        Authority = Own(caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30)));
        CaFile = WritePem("ca.crt", Authority.ExportCertificatePem());

        (ServerCertFile, ServerKeyFile, _) = Issue("server", "CN=127.0.0.1", serverAuth: true);
        (ClientCertFile, ClientKeyFile, ClientCertificate) = Issue("client", "CN=tether-client", serverAuth: false);

        // A client certificate from another CA, which the broker must refuse.
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var otherRequest = new CertificateRequest("CN=Stranger", otherKey, HashAlgorithmName.SHA256);
        otherRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var stranger = otherRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        StrangerCertificate = Own(X509CertificateLoader.LoadPkcs12(stranger.Export(X509ContentType.Pkcs12), null));
    }

    public string Directory { get; }

    public X509Certificate2 Authority { get; }

    public string CaFile { get; }

    public string ServerCertFile { get; }

    public string ServerKeyFile { get; }

    public string ClientCertFile { get; }

    public string ClientKeyFile { get; }

    /// <summary>The client certificate with its private key, signed by <see cref="Authority"/>.</summary>
    public X509Certificate2 ClientCertificate { get; }

    /// <summary>A self-signed client certificate with its key, not signed by <see cref="Authority"/>.</summary>
    public X509Certificate2 StrangerCertificate { get; }

    /// <summary>True when a server certificate chains to <see cref="Authority"/>.</summary>
    public bool Trusts(X509Certificate? certificate)
    {
        if (certificate is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }

    public ListenerOptions Listener(bool requireCertificate = false, ListenerProtocol protocol = ListenerProtocol.Mqtt) => new()
    {
        Port = 0,
        BindAddress = "127.0.0.1",
        Protocol = protocol,
        CertFile = ServerCertFile,
        KeyFile = ServerKeyFile,
        CaFile = requireCertificate ? CaFile : null,
        RequireCertificate = requireCertificate,
    };

    /// <summary>A new client certificate (with key) signed by <see cref="Authority"/>; its PEM files are written too.</summary>
    public X509Certificate2 IssueClient(string name, string subject) => Issue(name, subject, serverAuth: false).Certificate;

    /// <summary>A new server certificate for 127.0.0.1 signed by <see cref="Authority"/>, written as PEM.</summary>
    public (string CertFile, string KeyFile, X509Certificate2 Certificate) IssueServer(string name, string subject) => Issue(name, subject, serverAuth: true);

    /// <summary>Writes a PEM CRL signed by <see cref="Authority"/> that revokes <paramref name="revoked"/>.</summary>
    public string WriteCrl(string name, DateTimeOffset nextUpdate, params X509Certificate2[] revoked)
    {
        var builder = new CertificateRevocationListBuilder();
        foreach (var certificate in revoked)
        {
            builder.AddEntry(certificate, DateTimeOffset.UtcNow.AddMinutes(-5));
        }

        var der = builder.Build(Authority, System.Numerics.BigInteger.One, nextUpdate, HashAlgorithmName.SHA256, thisUpdate: DateTimeOffset.UtcNow.AddMinutes(-10));
        return WritePem(name, PemEncoding.WriteString("X509 CRL", der));
    }

    public void Dispose()
    {
        foreach (var certificate in _owned)
        {
            certificate.Dispose();
        }

        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private (string CertFile, string KeyFile, X509Certificate2 Certificate) Issue(string name, string subject, bool serverAuth)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        if (serverAuth)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
        }

        var serial = new byte[8];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7F;
        using var issued = request.Create(Authority, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(29), serial);
        var certFile = WritePem(name + ".crt", issued.ExportCertificatePem());
        var keyFile = WritePem(name + ".key", key.ExportPkcs8PrivateKeyPem());
        using var withKey = issued.CopyWithPrivateKey(key);
        var usable = Own(X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null));
        return (certFile, keyFile, usable);
    }

    private string WritePem(string name, string pem)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, pem);
        return path;
    }

    private X509Certificate2 Own(X509Certificate2 certificate)
    {
        _owned.Add(certificate);
        return certificate;
    }
}
