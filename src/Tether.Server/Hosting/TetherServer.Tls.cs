using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Tether.Server;

// TLS on a listener (MQTT over TLS, or WSS on a WebSocket listener), configured like Mosquitto: certfile and keyfile
// (PEM) make the listener serve TLS; require_certificate asks clients for a certificate that chains to cafile.
public sealed partial class TetherServer
{
    /// <summary>Kestrel's TLS options for a listener with <see cref="ListenerOptions.UsesTls"/>.</summary>
    /// <exception cref="IOException">The certificate, key or CA file cannot be loaded.</exception>
    internal static HttpsConnectionAdapterOptions CreateTlsOptions(ListenerOptions listener)
    {
        var https = new HttpsConnectionAdapterOptions
        {
            ServerCertificate = LoadServerCertificate(listener, out var chain),
            ServerCertificateChain = chain,
            SslProtocols = listener.TlsVersions,
            ClientCertificateMode = ClientCertificateMode.NoCertificate,
            CheckCertificateRevocation = false,
            HandshakeTimeout = TimeSpan.FromSeconds(10),
        };

        if (listener.RequireCertificate)
        {
            var authorities = LoadAuthorities(listener);
            https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
            https.ClientCertificateValidation = (certificate, _, _) => IsSignedBy(certificate, authorities);
        }

        return https;
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
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or UnauthorizedAccessException or ArgumentException)
        {
            throw new IOException($"Cannot load the TLS certificate '{listener.CertFile}' with the key '{listener.KeyFile}' (listener {listener.Name}): {e.Message}", e);
        }
    }

    private static X509Certificate2Collection LoadAuthorities(ListenerOptions listener)
    {
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(listener.CaFile ?? throw new IOException($"require_certificate needs a cafile (listener {listener.Name})."));
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or UnauthorizedAccessException or FileNotFoundException)
        {
            throw new IOException($"Cannot load the CA certificates '{listener.CaFile}' (listener {listener.Name}): {e.Message}", e);
        }

        return authorities;
    }

    /// <summary>True when <paramref name="certificate"/> chains to one of <paramref name="authorities"/> (and nothing else).</summary>
    internal static bool IsSignedBy(X509Certificate2 certificate, X509Certificate2Collection authorities)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.NoFlag;
        try
        {
            return chain.Build(certificate);
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

    private static void UseTls(ListenOptions listenOptions, ListenerOptions listener)
    {
        // Only HTTP/1.1 is ever spoken over a WebSocket listener; an MQTT listener never reaches HTTP.
        listenOptions.Protocols = HttpProtocols.Http1;
        listenOptions.UseHttps(CreateTlsOptions(listener));
    }
}
