namespace Tether.Broker;

/// <summary>
/// Lets a transport that knows more than "the input ended" (a WebSocket knows the peer's close code, or that it
/// closed the connection itself for a bad frame) tell the broker why, and lets the broker tell the transport why
/// it is closing (so that a WebSocket can send a fitting close code). Passed in <see cref="ConnectionInfo.CloseFeature"/>.
/// </summary>
public interface ITransportCloseFeature
{
    /// <summary>
    /// Why the transport ended its input, or null if it only saw the connection end. Read by the broker once the
    /// input pipe reports completion, so the transport sets it before completing its writer.
    /// </summary>
    TransportCloseReport? InputEnded { get; }

    /// <summary>The broker is closing the connection for <paramref name="reason"/>; called once, before the output completes.</summary>
    /// <param name="reason">Why.</param>
    void OnBrokerClosing(DisconnectReason reason);
}

/// <summary>A transport's account of why a connection's input ended.</summary>
/// <param name="Reason">The reason to log and count.</param>
/// <param name="Detail">What exactly happened (e.g. the close code and reason).</param>
public sealed record TransportCloseReport(DisconnectReason Reason, string Detail);
