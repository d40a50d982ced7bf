using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tether.Server;

/// <summary>
/// <c>capath</c>: every certificate in the PEM files of a directory. OpenSSL looks certificates up by the hashed names
/// c_rehash makes; Tether reads them all, so a directory works whether or not it was rehashed. Files holding no PEM
/// certificate (CRLs, notes) are skipped.
/// </summary>
internal static class CaDirectory
{
    /// <exception cref="IOException">The directory cannot be read, or holds no certificate.</exception>
    public static X509Certificate2Collection Load(string directory)
    {
        var certificates = new X509Certificate2Collection();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var files = Directory.GetFiles(directory);
        Array.Sort(files, StringComparer.Ordinal);
        foreach (var file in files)
        {
            var found = new X509Certificate2Collection();
            try
            {
                found.ImportFromPemFile(file);
            }
            catch (CryptographicException)
            {
                continue;
            }

            foreach (var certificate in found)
            {
                // c_rehash links point at the same certificates as their targets; keep one of each.
                if (seen.Add(certificate.Thumbprint))
                {
                    certificates.Add(certificate);
                }
                else
                {
                    certificate.Dispose();
                }
            }
        }

        return certificates.Count > 0 ? certificates : throw new IOException($"'{directory}' holds no PEM certificate");
    }
}
