using Tether.Protocol;

namespace Tether.Probe;

/// <summary>What the reader hands the engine, in the order it arrived.</summary>
internal abstract record ProbeInput;

/// <summary>A WebSocket frame, any opcode (before the MQTT packets its payload completes).</summary>
internal sealed record FrameInput(WebSocketFrame Frame) : ProbeInput;

/// <summary>
/// An MQTT packet, copied out of the reader's reused instances: type, a printable summary and what the engine needs
/// to answer it.
/// </summary>
internal sealed record PacketInput(PacketType Type, string Summary, ushort PacketId = 0, QualityOfService QoS = QualityOfService.AtMostOnce, ReasonCode ReasonCode = ReasonCode.Success) : ProbeInput
{
    /// <summary>SUBACK: the codes, one per filter.</summary>
    public IReadOnlyList<ReasonCode> SubAckCodes { get; init; } = [];

    /// <summary>CONNACK (5.0): the server keep alive the client must use instead of its own [MQTT-3.2.2-21].</summary>
    public ushort? ServerKeepAlive { get; init; }
}

/// <summary>The byte stream ended: EOF, reset or a read error. Nothing follows.</summary>
internal sealed record EndInput(bool Reset, string? Error) : ProbeInput;

/// <summary>The bytes could not be decoded (bad WebSocket framing or a malformed MQTT packet). Nothing follows.</summary>
internal sealed record ViolationInput(ProbeLayer Layer, string Description) : ProbeInput;
