namespace Tether.Broker;

/// <summary>Who ended a connection, as the disconnect log line says it.</summary>
public enum DisconnectInitiator
{
    /// <summary>The client: DISCONNECT, a close frame, or closing its socket.</summary>
    Client,

    /// <summary>The broker: keep alive, protocol error, takeover, refusal, limits, shutdown.</summary>
    Broker,

    /// <summary>Neither side on purpose: the connection failed (reset, I/O error).</summary>
    Network,
}
