using System.Net;

namespace Tether.Broker;

/// <summary>What the transport knows about a connection, for logs, limits and authorisation.</summary>
/// <param name="ConnectionId">The transport's identifier of the connection.</param>
/// <param name="RemoteEndPoint">The peer's address, if known.</param>
/// <param name="LocalEndPoint">The listener's address, if known.</param>
/// <param name="ListenerName">Which listener accepted the connection (e.g. "1883" or "9001/websockets").</param>
public sealed record ConnectionInfo(string ConnectionId, EndPoint? RemoteEndPoint, EndPoint? LocalEndPoint, string ListenerName)
{
    /// <summary>The transport's side of the close, if it can say why a connection ended (WebSockets can); else null.</summary>
    public ITransportCloseFeature? CloseFeature { get; init; }

    /// <summary>
    /// True when the listener takes user names from client certificates (Mosquitto's <c>use_identity_as_username</c>
    /// and <c>use_subject_as_username</c>): the CONNECT's user name and password are ignored, and a connection
    /// without <see cref="CertificateUserName"/> is refused.
    /// </summary>
    public bool UserNameFromCertificate { get; init; }

    /// <summary>The user name the client certificate gives, when <see cref="UserNameFromCertificate"/>; else null.</summary>
    public string? CertificateUserName { get; init; }

    /// <summary>The remote address as Mosquitto prints it: <c>host:port</c>.</summary>
    public string RemoteAddress => RemoteEndPoint switch
    {
        IPEndPoint ip => $"{(ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address)}:{ip.Port}",
        null => "unknown",
        var other => other.ToString() ?? "unknown",
    };
}
