using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tether.Server;

// crlfile: Mosquitto gives OpenSSL the CRLs with X509_V_FLAG_CRL_CHECK, which checks the client (leaf) certificate
// only: a CRL signed by the certificate's issuer must be present and current, and must not list the certificate's
// serial number. .NET's X509Chain cannot be given CRLs, so the few fields that check needs are read here
// (RFC 5280 §5.1) and the signature is verified with the issuer's key.

/// <summary>One X.509 certificate revocation list read from a PEM file.</summary>
internal sealed class CertificateRevocationList
{
    private readonly HashSet<string> _revokedSerials;
    private readonly byte[] _signedPart;
    private readonly byte[] _signature;
    private readonly string _signatureAlgorithm;

    private CertificateRevocationList(X500DistinguishedName issuer, DateTimeOffset? nextUpdate, HashSet<string> revokedSerials, byte[] signedPart, string signatureAlgorithm, byte[] signature)
    {
        Issuer = issuer;
        NextUpdate = nextUpdate;
        _revokedSerials = revokedSerials;
        _signedPart = signedPart;
        _signatureAlgorithm = signatureAlgorithm;
        _signature = signature;
    }

    /// <summary>The CA that issued the list.</summary>
    public X500DistinguishedName Issuer { get; }

    /// <summary>When the list stops being current; null when it does not say.</summary>
    public DateTimeOffset? NextUpdate { get; }

    /// <summary>How many certificates the list revokes.</summary>
    public int Count => _revokedSerials.Count;

    /// <summary>Reads every <c>X509 CRL</c> block of a PEM file.</summary>
    /// <exception cref="CryptographicException">A block is not a CRL, or the file holds none.</exception>
    public static List<CertificateRevocationList> LoadPem(string path)
    {
        var text = File.ReadAllText(path);
        var lists = new List<CertificateRevocationList>();
        var rest = text.AsMemory();
        while (PemEncoding.TryFind(rest.Span, out var fields))
        {
            var label = rest.Span[fields.Label];
            if (label.SequenceEqual("X509 CRL"))
            {
                lists.Add(Parse(Convert.FromBase64String(rest.Span[fields.Base64Data].ToString())));
            }

            rest = rest[fields.Location.End..];
        }

        return lists.Count > 0 ? lists : throw new CryptographicException($"'{path}' holds no PEM 'X509 CRL' block");
    }

    /// <summary>Parses a DER CertificateList (RFC 5280 §5.1).</summary>
    /// <exception cref="CryptographicException">It is not one.</exception>
    public static CertificateRevocationList Parse(byte[] der)
    {
        try
        {
            var outer = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
            var signedPart = outer.ReadEncodedValue().ToArray();
            var algorithm = outer.ReadSequence().ReadObjectIdentifier();
            var signature = outer.ReadBitString(out _);

            var tbs = new AsnReader(signedPart, AsnEncodingRules.DER).ReadSequence();
            if (tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
            {
                tbs.ReadInteger(); // version
            }

            tbs.ReadSequence(); // signature algorithm, repeated
            var issuer = new X500DistinguishedName(tbs.ReadEncodedValue().Span);
            ReadTime(tbs); // thisUpdate
            DateTimeOffset? nextUpdate = null;
            if (tbs.HasData && IsTime(tbs.PeekTag()))
            {
                nextUpdate = ReadTime(tbs);
            }

            var revoked = new HashSet<string>(StringComparer.Ordinal);
            if (tbs.HasData && tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
            {
                var entries = tbs.ReadSequence();
                while (entries.HasData)
                {
                    var entry = entries.ReadSequence();
                    revoked.Add(SerialKey(entry.ReadIntegerBytes().Span));
                }
            }

            return new CertificateRevocationList(issuer, nextUpdate, revoked, signedPart, algorithm, signature);
        }
        catch (AsnContentException e)
        {
            throw new CryptographicException("not a valid X.509 CRL: " + e.Message, e);
        }
    }

    /// <summary>Whether the list revokes <paramref name="certificate"/> (by serial number).</summary>
    public bool Revokes(X509Certificate2 certificate) => _revokedSerials.Contains(SerialKey(certificate.SerialNumberBytes.Span));

    /// <summary>Whether <paramref name="issuer"/> signed this list (ECDSA or RSA PKCS#1 with SHA-1/2).</summary>
    public bool IsSignedBy(X509Certificate2 issuer)
    {
        if (!Issuer.RawData.AsSpan().SequenceEqual(issuer.SubjectName.RawData))
        {
            return false;
        }

        var (hash, ecdsa) = _signatureAlgorithm switch
        {
            "1.2.840.10045.4.3.2" => (HashAlgorithmName.SHA256, true),
            "1.2.840.10045.4.3.3" => (HashAlgorithmName.SHA384, true),
            "1.2.840.10045.4.3.4" => (HashAlgorithmName.SHA512, true),
            "1.2.840.113549.1.1.11" => (HashAlgorithmName.SHA256, false),
            "1.2.840.113549.1.1.12" => (HashAlgorithmName.SHA384, false),
            "1.2.840.113549.1.1.13" => (HashAlgorithmName.SHA512, false),
            "1.2.840.113549.1.1.5" => (HashAlgorithmName.SHA1, false),
            _ => (default, false),
        };
        if (hash.Name is null)
        {
            return false;
        }

        try
        {
            if (ecdsa)
            {
                using var key = issuer.GetECDsaPublicKey();
                return key is not null && key.VerifyData(_signedPart, _signature, hash, DSASignatureFormat.Rfc3279DerSequence);
            }

            using var rsa = issuer.GetRSAPublicKey();
            return rsa is not null && rsa.VerifyData(_signedPart, _signature, hash, RSASignaturePadding.Pkcs1);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static bool IsTime(Asn1Tag tag) => tag.HasSameClassAndValue(Asn1Tag.UtcTime) || tag.HasSameClassAndValue(Asn1Tag.GeneralizedTime);

    private static DateTimeOffset ReadTime(AsnReader reader) =>
        reader.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) ? reader.ReadUtcTime() : reader.ReadGeneralizedTime();

    /// <summary>A serial number as upper-case hex without leading zero bytes, so DER and .NET spellings compare equal.</summary>
    private static string SerialKey(ReadOnlySpan<byte> serial)
    {
        var start = 0;
        while (start < serial.Length - 1 && serial[start] == 0)
        {
            start++;
        }

        return Convert.ToHexString(serial[start..]);
    }
}
