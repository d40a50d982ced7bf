using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace Tether.Server;

// One TLS listener's certificates. Kestrel asks for the handshake options of every new connection
// (TlsHandshakeCallbackOptions), and they are built from the material current at that moment, so a reload (SIGHUP)
// changes what new handshakes use and leaves established connections alone. Material is never disposed on reload:
// a handshake in progress may still hold the previous one.

/// <summary>The TLS side of one listener: server certificate, client certificate checks, cipher suites, reload.</summary>
internal sealed partial class ListenerTls
{
    private readonly ILogger _logger;
    private volatile TlsMaterial _material;

    /// <summary>Loads the listener's files.</summary>
    /// <exception cref="IOException">A file cannot be loaded; the message names it and the listener.</exception>
    public ListenerTls(ListenerOptions listener, ILogger logger)
    {
        Listener = listener;
        _logger = logger;
        _material = TlsMaterial.Load(listener);
    }

    public ListenerOptions Listener { get; }

    /// <summary>The server certificate new handshakes present.</summary>
    public X509Certificate2 ServerCertificate => _material.Certificate;

    /// <summary>Kestrel's per-connection TLS hook for this listener.</summary>
    public TlsHandshakeCallbackOptions HandshakeOptions => new()
    {
        OnConnection = context => ValueTask.FromResult(CreateAuthenticationOptions(context.Connection.RemoteEndPoint?.ToString() ?? "unknown")),
        HandshakeTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>Loads the files again; on failure keeps the current material and says why.</summary>
    /// <returns>Whether the new files are in use.</returns>
    public bool Reload()
    {
        try
        {
            _material = TlsMaterial.Load(Listener);
            TlsLog.Reloaded(_logger, Listener.Name, Listener.CertFile!);
            return true;
        }
        catch (IOException e)
        {
            TlsLog.ReloadFailed(_logger, Listener.Name, e.Message);
            return false;
        }
    }

    internal SslServerAuthenticationOptions CreateAuthenticationOptions(string remoteAddress)
    {
        var material = _material;
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = material.Context,
            EnabledSslProtocols = Listener.TlsVersions,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            ClientCertificateRequired = Listener.RequireCertificate,
        };
        if (material.CipherSuites is { } cipherSuites)
        {
            options.CipherSuitesPolicy = cipherSuites;
        }

        if (Listener.RequireCertificate)
        {
            options.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                if (certificate is null)
                {
                    TlsLog.ClientCertificateRefused(_logger, remoteAddress, Listener.Name, "no certificate");
                    return false;
                }

                var why = material.CheckClientCertificate(certificate as X509Certificate2 ?? new X509Certificate2(certificate));
                if (why is not null)
                {
                    TlsLog.ClientCertificateRefused(_logger, remoteAddress, Listener.Name, why);
                }

                return why is null;
            };
        }

        return options;
    }

    /// <summary>TLS log lines. Event ids 1140-1159.</summary>
    private static partial class TlsLog
    {
        [LoggerMessage(EventId = 1140, Level = LogLevel.Information, Message = "Client certificate from {Address} refused on listener {Listener}: {Why}.")]
        public static partial void ClientCertificateRefused(ILogger logger, string address, string listener, string why);

        [LoggerMessage(EventId = 1141, Level = LogLevel.Information, Message = "Reloaded the TLS certificate {CertFile} of listener {Listener}.")]
        private static partial void ReloadedCore(ILogger logger, string certFile, string listener);

        public static void Reloaded(ILogger logger, string listener, string certFile) => ReloadedCore(logger, certFile, listener);

        [LoggerMessage(EventId = 1142, Level = LogLevel.Error, Message = "Reloading TLS files of listener {Listener} failed, keeping the previous ones: {Why}")]
        public static partial void ReloadFailed(ILogger logger, string listener, string why);
    }

    /// <summary>What one load of the listener's files produced.</summary>
    private sealed class TlsMaterial
    {
        private TlsMaterial(X509Certificate2 certificate, SslStreamCertificateContext context, X509Certificate2Collection authorities, List<CertificateRevocationList> revocationLists, CipherSuitesPolicy? cipherSuites)
        {
            Certificate = certificate;
            Context = context;
            Authorities = authorities;
            RevocationLists = revocationLists;
            CipherSuites = cipherSuites;
        }

        public X509Certificate2 Certificate { get; }

        public SslStreamCertificateContext Context { get; }

        public X509Certificate2Collection Authorities { get; }

        public List<CertificateRevocationList> RevocationLists { get; }

        public CipherSuitesPolicy? CipherSuites { get; }

        public static TlsMaterial Load(ListenerOptions listener)
        {
            var certificate = LoadServerCertificate(listener, out var chain);
            var authorities = LoadAuthorities(listener);
            var revocationLists = LoadRevocationLists(listener);
            var context = SslStreamCertificateContext.Create(certificate, chain, offline: true);
            return new TlsMaterial(certificate, context, authorities, revocationLists, CreateCipherSuitesPolicy(listener));
        }

        /// <summary>Why <paramref name="certificate"/> is refused, or null when it chains to a configured CA and is not revoked.</summary>
        public string? CheckClientCertificate(X509Certificate2 certificate)
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(Authorities);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.VerificationFlags = X509VerificationFlags.NoFlag;
            try
            {
                if (!chain.Build(certificate))
                {
                    var status = chain.ChainStatus.Length > 0 ? chain.ChainStatus[0].StatusInformation.Trim() : "unknown";
                    return $"'{certificate.Subject}' does not chain to cafile/capath ({status})";
                }

                if (RevocationLists.Count == 0)
                {
                    return null;
                }

                // As OpenSSL's X509_V_FLAG_CRL_CHECK: the leaf's issuer must have a current CRL, which must not list it.
                var issuer = chain.ChainElements.Count > 1 ? chain.ChainElements[1].Certificate : chain.ChainElements[0].Certificate;
                var list = RevocationLists.Find(l => l.IsSignedBy(issuer));
                if (list is null)
                {
                    return $"crlfile has no CRL signed by its issuer '{issuer.Subject}'";
                }

                if (list.NextUpdate is { } next && next < DateTimeOffset.UtcNow)
                {
                    return $"the CRL of '{issuer.Subject}' expired at {next:u}";
                }

                return list.Revokes(certificate) ? $"'{certificate.Subject}' (serial {certificate.SerialNumber}) is revoked by crlfile" : null;
            }
            finally
            {
                foreach (var element in chain.ChainElements)
                {
                    if (!ReferenceEquals(element.Certificate, certificate))
                    {
                        element.Certificate.Dispose();
                    }
                }
            }
        }

        private static X509Certificate2 LoadServerCertificate(ListenerOptions listener, out X509Certificate2Collection chain)
        {
            try
            {
                // A PEM key is ephemeral; SslStream wants a certificate whose key it can use, so round-trip through PKCS#12.
                using var pem = X509Certificate2.CreateFromPemFile(listener.CertFile!, listener.KeyFile);
                var certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);

                // The rest of certfile, if any, is the intermediate chain sent with the certificate.
                var all = new X509Certificate2Collection();
                all.ImportFromPemFile(listener.CertFile!);
                chain = [];
                for (var i = 1; i < all.Count; i++)
                {
                    chain.Add(all[i]);
                }

                return certificate;
            }
            catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                throw new IOException($"Cannot load the TLS certificate '{listener.CertFile}' with the key '{listener.KeyFile}' (listener {listener.Name}): {e.Message}", e);
            }
        }

        private static X509Certificate2Collection LoadAuthorities(ListenerOptions listener)
        {
            var authorities = new X509Certificate2Collection();
            if (listener.CaFile is { } caFile)
            {
                try
                {
                    authorities.ImportFromPemFile(caFile);
                }
                catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
                {
                    throw new IOException($"Cannot load the CA certificates '{caFile}' (listener {listener.Name}): {e.Message}", e);
                }
            }

            if (listener.CaPath is { } caPath)
            {
                try
                {
                    authorities.AddRange(CaDirectory.Load(caPath));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new IOException($"Cannot load the CA certificates in capath '{caPath}' (listener {listener.Name}): {e.Message}", e);
                }
            }

            return authorities;
        }

        private static List<CertificateRevocationList> LoadRevocationLists(ListenerOptions listener)
        {
            if (listener.CrlFile is not { } crlFile)
            {
                return [];
            }

            try
            {
                return CertificateRevocationList.LoadPem(crlFile);
            }
            catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or FormatException)
            {
                throw new IOException($"Cannot load the CRL file '{crlFile}' (listener {listener.Name}): {e.Message}", e);
            }
        }

        private static CipherSuitesPolicy? CreateCipherSuitesPolicy(ListenerOptions listener)
        {
            if (listener.Ciphers is null && listener.CiphersTls13 is null)
            {
                return null;
            }

            if (OperatingSystem.IsWindows())
            {
                throw new IOException($"ciphers and ciphers_tls1.3 are not supported on Windows by .NET (CipherSuitesPolicy); remove them (listener {listener.Name}).");
            }

            // .NET takes one list for both versions; the version that was not configured keeps its default.
            return new CipherSuitesPolicy([.. listener.Ciphers ?? OpenSslCipherList.DefaultTls12, .. listener.CiphersTls13 ?? OpenSslCipherList.DefaultTls13]);
        }
    }
}
