namespace Tether.Probe;

/// <summary>Kinds of finding, in the order of how much they explain a dropped connection.</summary>
internal enum ProbeFindingKind
{
    /// <summary>A frame the profile's client cannot survive (e.g. a PING for Paho Java ≤ 1.2.5).</summary>
    FatalFrame,

    /// <summary>The connection ended before the duration: close frame, DISCONNECT, EOF or reset.</summary>
    Closed,

    /// <summary>A PINGREQ was not answered within one keep alive.</summary>
    PingResponseMissing,

    /// <summary>A violation of RFC 6455 or MQTT by the broker (masked frame, malformed close frame, bad packet).</summary>
    ProtocolViolation,

    /// <summary>Informational: a PING or PONG the lenient profile tolerated (and a strict client would not).</summary>
    ToleratedControlFrame,

    /// <summary>Informational: a refused subscription, no subprotocol.</summary>
    Note,
}

/// <summary>Something the verdict is built from.</summary>
/// <param name="Seconds">When it happened, since the TCP connection was opened.</param>
/// <param name="Kind">What kind of finding.</param>
/// <param name="Message">One sentence that says what happened and what it means.</param>
internal sealed record ProbeFinding(double Seconds, ProbeFindingKind Kind, string Message)
{
    /// <summary>Whether this finding makes the exit code non-zero.</summary>
    public bool IsFailure => Kind is not (ProbeFindingKind.Note or ProbeFindingKind.ToleratedControlFrame);
}
