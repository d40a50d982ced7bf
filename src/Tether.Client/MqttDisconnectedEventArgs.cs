using Tether.Protocol;

namespace Tether.Client;

/// <summary>A connection ended.</summary>
public sealed class MqttDisconnectedEventArgs : EventArgs
{
    /// <summary>Creates the arguments.</summary>
    public MqttDisconnectedEventArgs(MqttDisconnectKind kind, string detail, ReasonCode? reasonCode = null, Exception? exception = null, bool willReconnect = false)
    {
        Kind = kind;
        Detail = detail;
        ReasonCode = reasonCode;
        Exception = exception;
        WillReconnect = willReconnect;
    }

    /// <summary>The kind of cause.</summary>
    public MqttDisconnectKind Kind { get; }

    /// <summary>One line that says what happened, e.g. "server sent DISCONNECT: Session taken over (0x8E)".</summary>
    public string Detail { get; }

    /// <summary>The server's DISCONNECT or CONNACK reason code, when there was one.</summary>
    public ReasonCode? ReasonCode { get; }

    /// <summary>The exception behind a transport or TLS failure.</summary>
    public Exception? Exception { get; }

    /// <summary>Whether the client will try to reconnect.</summary>
    public bool WillReconnect { get; internal set; }

    /// <inheritdoc />
    public override string ToString() => Kind + ": " + Detail;
}
