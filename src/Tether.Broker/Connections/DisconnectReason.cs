namespace Tether.Broker;

/// <summary>Why a connection ended. Every ending is logged and counted with exactly one of these.</summary>
public enum DisconnectReason
{
    /// <summary>Still open.</summary>
    None = 0,

    /// <summary>The client sent DISCONNECT (normal, will discarded).</summary>
    ClientDisconnect,

    /// <summary>The client sent a 5.0 DISCONNECT 0x04: disconnect, but publish the will.</summary>
    ClientDisconnectWithWill,

    /// <summary>The client sent a 5.0 DISCONNECT with an error reason code.</summary>
    ClientDisconnectWithError,

    /// <summary>The peer closed the socket without DISCONNECT.</summary>
    SocketClosed,

    /// <summary>The socket failed (reset, I/O error).</summary>
    SocketError,

    /// <summary>Nothing was received for 1.5 times the keep alive.</summary>
    KeepAliveTimeout,

    /// <summary>No CONNECT arrived in time after the socket opened.</summary>
    ConnectTimeout,

    /// <summary>The client broke the protocol (malformed packet or forbidden sequence).</summary>
    ProtocolError,

    /// <summary>Another connection took over the session (same client id).</summary>
    SessionTakenOver,

    /// <summary>CONNECT was refused (bad credentials, not authorised, bad client id, unsupported version).</summary>
    ConnectRefused,

    /// <summary>The broker is shutting down.</summary>
    ServerShutdown,

    /// <summary>The client did not keep up and exceeded its limits.</summary>
    Overload,

    /// <summary>The client sent a WebSocket close frame without MQTT DISCONNECT (the detail has its code and reason).</summary>
    WebSocketClose,
}
