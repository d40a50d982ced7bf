using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Tether.Client;

/// <summary>TLS settings of a connection (<c>mqtts://</c>, <c>wss://</c>).</summary>
public sealed record MqttTlsOptions
{
    /// <summary>The system's trust store, no client certificate.</summary>
    public static MqttTlsOptions Default { get; } = new();

    /// <summary>PEM file of the certificate authorities to trust instead of the system's store (like <c>--cafile</c>).</summary>
    public string? CaFile { get; init; }

    /// <summary>
    /// Directory of PEM files (<c>*.pem</c>, <c>*.crt</c>) of certificate authorities to trust instead of the system's
    /// store (like <c>--capath</c>); combined with <see cref="CaFile"/> when both are set.
    /// </summary>
    public string? CaDirectory { get; init; }

    /// <summary>Client certificate (with its private key) to present, or <see langword="null"/>.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>Host name the server certificate must be issued for; defaults to the host connected to.</summary>
    public string? TargetHost { get; init; }

    /// <summary>Accept any server certificate (like <c>--insecure</c>): for tests only.</summary>
    public bool AllowUntrustedCertificates { get; init; }

    /// <summary>Custom validation; when set it alone decides whether the server certificate is accepted.</summary>
    public RemoteCertificateValidationCallback? CertificateValidation { get; init; }

    /// <summary>TLS versions allowed; <see cref="SslProtocols.None"/> lets the system choose.</summary>
    public SslProtocols Protocols { get; init; } = SslProtocols.None;
}
