using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Tether.Client.Transport;

/// <summary>Turns <see cref="MqttTlsOptions"/> into .NET's TLS client settings.</summary>
internal static class TlsSettings
{
    public static SslClientAuthenticationOptions ClientAuthentication(MqttTlsOptions tls, string host)
    {
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = tls.TargetHost ?? host,
            EnabledSslProtocols = tls.Protocols,
            RemoteCertificateValidationCallback = Validation(tls),
        };
        if (tls.ClientCertificate is not null)
        {
            options.ClientCertificates = [tls.ClientCertificate];
        }

        return options;
    }

    /// <summary>
    /// The server certificate check: the caller's callback, or anything when untrusted certificates are allowed,
    /// or a chain to the CA file (the name must still match, as libmosquitto checks it), or the system's verdict.
    /// </summary>
    public static RemoteCertificateValidationCallback? Validation(MqttTlsOptions tls)
    {
        if (tls.CertificateValidation is not null)
        {
            return tls.CertificateValidation;
        }

        if (tls.AllowUntrustedCertificates)
        {
            // Asked for explicitly (tether pub --insecure, tests); never the default.
#pragma warning disable CA5359
            return static (_, _, _, _) => true;
#pragma warning restore CA5359
        }

        if (tls.CaFile is null && tls.CaDirectory is null)
        {
            return null;
        }

        var authorities = new X509Certificate2Collection();
        if (tls.CaFile is not null)
        {
            authorities.ImportFromPemFile(tls.CaFile);
        }

        if (tls.CaDirectory is not null)
        {
            // OpenSSL's CApath holds hashed links to the same files: importing each file once is enough.
            foreach (var file in Directory.EnumerateFiles(tls.CaDirectory))
            {
                if (file.EndsWith(".pem", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".crt", StringComparison.OrdinalIgnoreCase)
                    || System.Text.RegularExpressions.Regex.IsMatch(Path.GetFileName(file), "^[0-9a-f]{8}\\.[0-9]+$"))
                {
                    authorities.ImportFromPemFile(file);
                }
            }
        }
        return (_, certificate, _, errors) =>
        {
            if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var leaf = new X509Certificate2(certificate);
            return chain.Build(leaf);
        };
    }
}
