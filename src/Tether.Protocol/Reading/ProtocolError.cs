namespace Tether.Protocol;

/// <summary>Why a packet was rejected: the MQTT 5.0 reason code to report and a fixed, human readable message.</summary>
/// <param name="Code">Reason code for DISCONNECT (5.0) or the log line.</param>
/// <param name="Message">What was wrong; always a constant string so that rejecting allocates nothing.</param>
public readonly record struct ProtocolError(ReasonCode Code, string Message)
{
    /// <summary>A malformed-packet error (0x81).</summary>
    public static ProtocolError Malformed(string message) => new(ReasonCode.MalformedPacket, message);

    /// <summary>A protocol error (0x82).</summary>
    public static ProtocolError Violation(string message) => new(ReasonCode.ProtocolError, message);

    /// <inheritdoc />
    public override string ToString() => $"0x{(byte)Code:X2} {Code}: {Message}";
}
