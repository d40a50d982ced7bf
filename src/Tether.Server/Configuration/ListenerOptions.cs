using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace Tether.Server;

/// <summary>One network listener: <c>listener PORT [ADDRESS]</c> and the options that follow it in <c>mosquitto.conf</c>.</summary>
public sealed record ListenerOptions
{
    /// <summary>The host name that means "loopback only": 127.0.0.1, and ::1 where IPv6 is available (Mosquitto 2.0's local-only mode).</summary>
    public const string Localhost = "localhost";

    /// <summary>TCP port; 0 picks a free port (for tests and embedding; <c>mosquitto.conf</c> does not allow it).</summary>
    public int Port { get; init; } = 1883;

    /// <summary>
    /// IP address or host name to bind; null binds all interfaces. <see cref="Localhost"/> binds the loopback
    /// addresses of both IP versions.
    /// </summary>
    public string? BindAddress { get; init; }

    /// <summary>
    /// <c>bind_interface</c>: the network interface (by name, e.g. eth0) whose addresses the listener binds, instead of
    /// all interfaces; with <see cref="BindAddress"/> too, that address must belong to the interface. Null = no restriction.
    /// </summary>
    public string? BindInterface { get; init; }

    /// <summary><c>protocol</c>: what the listener speaks.</summary>
    public ListenerProtocol Protocol { get; init; } = ListenerProtocol.Mqtt;

    /// <summary>
    /// <c>websockets_ping_interval</c> (Tether's own option): how often a WebSocket listener pings its clients;
    /// <see cref="TimeSpan.Zero"/> (the default) sends no WebSocket control frame of the server's own accord.
    /// </summary>
    public TimeSpan WebSocketPingInterval { get; init; } = TimeSpan.Zero;

    /// <summary><c>max_connections</c>: connections this listener holds at once; -1 = unlimited (Mosquitto's default).</summary>
    public int MaxConnections { get; init; } = -1;

    /// <summary>
    /// <c>socket_domain</c>: <see cref="AddressFamily.InterNetwork"/> (ipv4) or <see cref="AddressFamily.InterNetworkV6"/>
    /// (ipv6) to listen on one IP version only; null = both.
    /// </summary>
    public AddressFamily? SocketDomain { get; init; }

    /// <summary><c>certfile</c>: PEM certificate (chain, server certificate first); with <see cref="KeyFile"/> the listener serves TLS.</summary>
    public string? CertFile { get; init; }

    /// <summary><c>keyfile</c>: the PEM private key of <see cref="CertFile"/>.</summary>
    public string? KeyFile { get; init; }

    /// <summary><c>cafile</c>: PEM CA certificates that client certificates must chain to.</summary>
    public string? CaFile { get; init; }

    /// <summary>
    /// <c>capath</c>: a directory of PEM CA certificates that client certificates may chain to, as well as
    /// <see cref="CaFile"/>. Every file in it that holds PEM certificates is read (c_rehash links are not needed).
    /// </summary>
    public string? CaPath { get; init; }

    /// <summary><c>crlfile</c>: PEM certificate revocation lists; a client certificate must not be revoked by its issuer's list.</summary>
    public string? CrlFile { get; init; }

    /// <summary><c>ciphers</c>: the TLS 1.2 cipher suites allowed, from OpenSSL names; null = the system's default.</summary>
    public IReadOnlyList<TlsCipherSuite>? Ciphers { get; init; }

    /// <summary><c>ciphers_tls1.3</c>: the TLS 1.3 cipher suites allowed; null = OpenSSL's default three.</summary>
    public IReadOnlyList<TlsCipherSuite>? CiphersTls13 { get; init; }

    /// <summary><c>use_identity_as_username</c>: the client certificate's CN is the user name; no password is checked.</summary>
    public bool UseIdentityAsUserName { get; init; }

    /// <summary><c>use_subject_as_username</c>: the client certificate's subject (RFC 2253 form) is the user name; no password is checked.</summary>
    public bool UseSubjectAsUserName { get; init; }

    /// <summary>Whether user names come from client certificates on this listener.</summary>
    public bool UserNameFromCertificate => UseIdentityAsUserName || UseSubjectAsUserName;

    /// <summary><c>require_certificate</c>: TLS clients must present a certificate signed by <see cref="CaFile"/> or one in <see cref="CaPath"/>.</summary>
    public bool RequireCertificate { get; init; }

    /// <summary>
    /// <c>tls_version</c>: the lowest TLS version accepted, as in Mosquitto (<c>tlsv1.2</c> allows 1.2 and 1.3,
    /// <c>tlsv1.3</c> only 1.3); <see cref="SslProtocols.None"/> (the default) lets the system choose among 1.2 and 1.3.
    /// </summary>
    public SslProtocols TlsVersions { get; init; } = SslProtocols.None;

    /// <summary>True when the listener serves TLS (MQTT over TLS, or WSS on a WebSocket listener).</summary>
    public bool UsesTls => CertFile is not null && KeyFile is not null;

    /// <summary>The listener's name in logs and in <see cref="Tether.Broker.ConnectionInfo.ListenerName"/>: its port, like Mosquitto.</summary>
    public string Name => Protocol == ListenerProtocol.Mqtt
        ? Port.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{Port}/websockets");

    /// <summary>Mosquitto 2.0's listener when no configuration defines one: port 1883 on loopback only.</summary>
    public static ListenerOptions LocalOnly(int port = 1883) => new() { Port = port, BindAddress = Localhost };
}
