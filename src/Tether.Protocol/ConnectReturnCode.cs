namespace Tether.Protocol;

/// <summary>The CONNACK return codes of MQTT 3.1 and 3.1.1 (§3.2.2.3 of 3.1.1).</summary>
public enum ConnectReturnCode : byte
{
    /// <summary>Connection accepted.</summary>
    Accepted = 0,

    /// <summary>The server does not support the protocol level requested.</summary>
    UnacceptableProtocolVersion = 1,

    /// <summary>The client identifier is correct UTF-8 but not allowed by the server.</summary>
    IdentifierRejected = 2,

    /// <summary>The MQTT service is unavailable.</summary>
    ServerUnavailable = 3,

    /// <summary>The user name or password is malformed.</summary>
    BadUserNameOrPassword = 4,

    /// <summary>The client is not authorized to connect.</summary>
    NotAuthorized = 5,
}
