namespace Tether.Client;

/// <summary>Why a connection ended.</summary>
public enum MqttDisconnectKind
{
    /// <summary>The application called <see cref="MqttClient.DisconnectAsync"/> or disposed the client.</summary>
    ClientDisconnect,

    /// <summary>The server sent DISCONNECT (5.0); see <see cref="MqttDisconnectedEventArgs.ReasonCode"/>.</summary>
    ServerDisconnect,

    /// <summary>The server or the network closed the TCP connection without DISCONNECT.</summary>
    SocketClosed,

    /// <summary>The server closed the WebSocket with a close frame; see <see cref="MqttDisconnectedEventArgs.Detail"/>.</summary>
    WebSocketClosed,

    /// <summary>No PINGRESP arrived within the keep alive after a PINGREQ.</summary>
    KeepAliveTimeout,

    /// <summary>The TLS handshake failed (untrusted certificate, version mismatch, ...).</summary>
    TlsFailure,

    /// <summary>The connection could not be opened (refused, unreachable, name not resolved, timeout).</summary>
    ConnectFailed,

    /// <summary>CONNACK refused the connection; see <see cref="MqttDisconnectedEventArgs.ReasonCode"/>.</summary>
    ConnectionRefused,

    /// <summary>The server sent something this client could not accept (malformed or out-of-order packet).</summary>
    ProtocolError,

    /// <summary>Reading or writing the connection failed with an I/O error.</summary>
    TransportError,
}
