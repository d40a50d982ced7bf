using System.Formats.Asn1;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Tether.Server;

// use_identity_as_username and use_subject_as_username (mosquitto.conf(5)): the client certificate names the user.
// Mosquitto takes the first CN of the subject for the former, and for the latter prints the subject with OpenSSL's
// XN_FLAG_RFC2253: last RDN first, ',' between RDNs, OpenSSL's short attribute names, RFC 2253 escaping, and
// bytes outside printable ASCII as \XX. The same rules are applied here so that an ACL written for Mosquitto's
// user names matches.

/// <summary>The user name a client certificate stands for.</summary>
internal static class CertificateUserName
{
    private const string CommonNameOid = "2.5.4.3";

    /// <summary>OpenSSL's short names (OBJ_nid2sn) of the usual subject attributes.</summary>
    private static readonly Dictionary<string, string> ShortNames = new(StringComparer.Ordinal)
    {
        [CommonNameOid] = "CN",
        ["2.5.4.4"] = "SN",
        ["2.5.4.5"] = "serialNumber",
        ["2.5.4.6"] = "C",
        ["2.5.4.7"] = "L",
        ["2.5.4.8"] = "ST",
        ["2.5.4.9"] = "street",
        ["2.5.4.10"] = "O",
        ["2.5.4.11"] = "OU",
        ["2.5.4.12"] = "title",
        ["2.5.4.17"] = "postalCode",
        ["2.5.4.41"] = "name",
        ["2.5.4.42"] = "GN",
        ["2.5.4.43"] = "initials",
        ["2.5.4.46"] = "dnQualifier",
        ["2.5.4.65"] = "pseudonym",
        ["1.2.840.113549.1.9.1"] = "emailAddress",
        ["0.9.2342.19200300.100.1.1"] = "UID",
        ["0.9.2342.19200300.100.1.25"] = "DC",
    };

    /// <summary>The user name for a listener's mode, or null when the listener does not take it from the certificate or the certificate has none.</summary>
    public static string? For(ListenerOptions listener, X509Certificate2? certificate)
    {
        if (certificate is null)
        {
            return null;
        }

        return listener.UseSubjectAsUserName ? Subject(certificate.SubjectName)
            : listener.UseIdentityAsUserName ? CommonName(certificate.SubjectName)
            : null;
    }

    /// <summary>The first CN of the name, in encoding order; null when there is none.</summary>
    public static string? CommonName(X500DistinguishedName name)
    {
        foreach (var rdn in name.EnumerateRelativeDistinguishedNames(reversed: false))
        {
            if (!rdn.HasMultipleElements && rdn.GetSingleElementType().Value == CommonNameOid)
            {
                return rdn.GetSingleElementValue();
            }
        }

        return null;
    }

    /// <summary>The name as OpenSSL prints it with XN_FLAG_RFC2253, e.g. <c>CN=test client,OU=Production,O=Server,C=GB</c>.</summary>
    public static string Subject(X500DistinguishedName name)
    {
        var builder = new StringBuilder();
        foreach (var rdn in name.EnumerateRelativeDistinguishedNames(reversed: true))
        {
            if (builder.Length > 0)
            {
                builder.Append(',');
            }

            if (rdn.HasMultipleElements)
            {
                // Multi-valued RDNs are rare in client certificates; .NET's own rendering of one is close enough.
                var writer = new AsnWriter(AsnEncodingRules.DER);
                using (writer.PushSequence())
                {
                    writer.WriteEncodedValue(rdn.RawData.Span);
                }

                builder.Append(new X500DistinguishedName(writer.Encode()).Name);
                continue;
            }

            var oid = rdn.GetSingleElementType().Value ?? string.Empty;
            builder.Append(ShortNames.TryGetValue(oid, out var shortName) ? shortName : oid).Append('=');
            AppendEscaped(builder, rdn.GetSingleElementValue() ?? string.Empty);
        }

        return builder.ToString();
    }

    private static void AppendEscaped(StringBuilder builder, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            var special = b is (byte)',' or (byte)'+' or (byte)'"' or (byte)'\\' or (byte)'<' or (byte)'>' or (byte)';'
                || (i == 0 && b is (byte)'#' or (byte)' ')
                || (i == bytes.Length - 1 && b == (byte)' ');
            if (b < 0x20 || b >= 0x7F)
            {
                builder.Append('\\').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
            else if (special)
            {
                builder.Append('\\').Append((char)b);
            }
            else
            {
                builder.Append((char)b);
            }
        }
    }
}
