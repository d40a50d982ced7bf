namespace Tether.Probe;

/// <summary>Who an event is about.</summary>
internal enum ProbeDirection
{
    /// <summary>Something the broker sent (or did, like closing the socket).</summary>
    Received,

    /// <summary>Something the probe sent.</summary>
    Sent,

    /// <summary>A note of the probe's own (connected, TLS negotiated, verdict about a missing answer).</summary>
    Local,
}

/// <summary>The layer an event belongs to.</summary>
internal enum ProbeLayer
{
    Tcp,
    Tls,
    WebSocket,
    Mqtt,
}

/// <summary>One line of the timeline.</summary>
/// <param name="Seconds">Time since the TCP connection was opened.</param>
/// <param name="Direction">Received, sent or local.</param>
/// <param name="Layer">TCP, TLS, WebSocket or MQTT.</param>
/// <param name="Name">What it is: "PING", "CONNACK", "connected".</param>
/// <param name="Detail">Everything else worth knowing about it.</param>
/// <param name="Problem">Set when this event is a finding (fatal frame, malformed close, ...).</param>
internal sealed record ProbeEvent(double Seconds, ProbeDirection Direction, ProbeLayer Layer, string Name, string Detail, string? Problem = null);
