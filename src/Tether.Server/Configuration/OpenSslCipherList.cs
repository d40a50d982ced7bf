using System.Net.Security;

namespace Tether.Server;

// Mosquitto hands `ciphers` to OpenSSL's SSL_CTX_set_cipher_list (TLS 1.2 and below) and `ciphers_tls1.3` to
// SSL_CTX_set_ciphersuites. .NET restricts cipher suites with CipherSuitesPolicy (Linux), which takes IANA suite
// names for both versions at once. This translates an explicit list of OpenSSL names (separated by ':', ',' or
// spaces, as OpenSSL allows); OpenSSL's selection keywords (HIGH, DEFAULT, !aNULL, @STRENGTH) have no equivalent
// and are refused, so that a list never means something other than what it says.

/// <summary>OpenSSL cipher names to .NET <see cref="TlsCipherSuite"/> values.</summary>
internal static class OpenSslCipherList
{
    /// <summary>OpenSSL's TLS 1.3 default (SSL_CTX_set_ciphersuites), used when only <c>ciphers</c> is given.</summary>
    public static readonly TlsCipherSuite[] DefaultTls13 =
    [
        TlsCipherSuite.TLS_AES_256_GCM_SHA384, TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256, TlsCipherSuite.TLS_AES_128_GCM_SHA256,
    ];

    /// <summary>Forward-secret TLS 1.2 suites, used when only <c>ciphers_tls1.3</c> is given.</summary>
    public static readonly TlsCipherSuite[] DefaultTls12 =
    [
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_DHE_RSA_WITH_AES_256_GCM_SHA384, TlsCipherSuite.TLS_DHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384, TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256, TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
    ];

    /// <summary>OpenSSL's names of the TLS 1.2 suites (openssl ciphers -stdname).</summary>
    private static readonly Dictionary<string, TlsCipherSuite> Tls12Names = new(StringComparer.Ordinal)
    {
        ["ECDHE-ECDSA-AES128-GCM-SHA256"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        ["ECDHE-ECDSA-AES256-GCM-SHA384"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        ["ECDHE-RSA-AES128-GCM-SHA256"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        ["ECDHE-RSA-AES256-GCM-SHA384"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        ["ECDHE-ECDSA-CHACHA20-POLY1305"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        ["ECDHE-RSA-CHACHA20-POLY1305"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        ["DHE-RSA-AES128-GCM-SHA256"] = TlsCipherSuite.TLS_DHE_RSA_WITH_AES_128_GCM_SHA256,
        ["DHE-RSA-AES256-GCM-SHA384"] = TlsCipherSuite.TLS_DHE_RSA_WITH_AES_256_GCM_SHA384,
        ["DHE-RSA-CHACHA20-POLY1305"] = TlsCipherSuite.TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        ["ECDHE-ECDSA-AES128-SHA256"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
        ["ECDHE-ECDSA-AES256-SHA384"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384,
        ["ECDHE-RSA-AES128-SHA256"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
        ["ECDHE-RSA-AES256-SHA384"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,
        ["ECDHE-ECDSA-AES128-SHA"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
        ["ECDHE-ECDSA-AES256-SHA"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
        ["ECDHE-RSA-AES128-SHA"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
        ["ECDHE-RSA-AES256-SHA"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
        ["DHE-RSA-AES128-SHA256"] = TlsCipherSuite.TLS_DHE_RSA_WITH_AES_128_CBC_SHA256,
        ["DHE-RSA-AES256-SHA256"] = TlsCipherSuite.TLS_DHE_RSA_WITH_AES_256_CBC_SHA256,
        ["DHE-RSA-AES128-SHA"] = TlsCipherSuite.TLS_DHE_RSA_WITH_AES_128_CBC_SHA,
        ["DHE-RSA-AES256-SHA"] = TlsCipherSuite.TLS_DHE_RSA_WITH_AES_256_CBC_SHA,
        ["AES128-GCM-SHA256"] = TlsCipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256,
        ["AES256-GCM-SHA384"] = TlsCipherSuite.TLS_RSA_WITH_AES_256_GCM_SHA384,
        ["AES128-SHA256"] = TlsCipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA256,
        ["AES256-SHA256"] = TlsCipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA256,
        ["AES128-SHA"] = TlsCipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA,
        ["AES256-SHA"] = TlsCipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA,
    };

    /// <summary>The TLS 1.3 suites; OpenSSL names them as IANA does.</summary>
    private static readonly TlsCipherSuite[] Tls13Suites =
    [
        TlsCipherSuite.TLS_AES_128_GCM_SHA256, TlsCipherSuite.TLS_AES_256_GCM_SHA384, TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_AES_128_CCM_SHA256, TlsCipherSuite.TLS_AES_128_CCM_8_SHA256,
    ];

    /// <summary>Parses a <c>ciphers</c> value (TLS 1.2 and below).</summary>
    /// <param name="list">The value.</param>
    /// <param name="suites">The suites, in the order given.</param>
    /// <param name="unknown">The first name that is not a TLS 1.2 suite Tether knows.</param>
    public static bool TryParseTls12(string list, out TlsCipherSuite[] suites, out string? unknown) =>
        TryParse(list, static name =>
            Tls12Names.TryGetValue(name, out var suite) ? suite
            : Enum.TryParse<TlsCipherSuite>(name, ignoreCase: false, out var iana) && name.StartsWith("TLS_", StringComparison.Ordinal) && !Tls13Suites.Contains(iana) ? iana
            : null, out suites, out unknown);

    /// <summary>Parses a <c>ciphers_tls1.3</c> value.</summary>
    /// <param name="list">The value.</param>
    /// <param name="suites">The suites, in the order given.</param>
    /// <param name="unknown">The first name that is not a TLS 1.3 suite.</param>
    public static bool TryParseTls13(string list, out TlsCipherSuite[] suites, out string? unknown) =>
        TryParse(list, static name => Enum.TryParse<TlsCipherSuite>(name, ignoreCase: false, out var suite) && Tls13Suites.Contains(suite) ? suite : null, out suites, out unknown);

    private static bool TryParse(string list, Func<string, TlsCipherSuite?> lookup, out TlsCipherSuite[] suites, out string? unknown)
    {
        var result = new List<TlsCipherSuite>();
        foreach (var name in list.Split([':', ',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (lookup(name) is not { } suite)
            {
                suites = [];
                unknown = name;
                return false;
            }

            if (!result.Contains(suite))
            {
                result.Add(suite);
            }
        }

        suites = [.. result];
        unknown = result.Count == 0 ? list : null;
        return result.Count > 0;
    }
}
