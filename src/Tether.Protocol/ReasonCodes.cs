namespace Tether.Protocol;

/// <summary>Conversions between MQTT 5.0 reason codes and the return codes of earlier versions.</summary>
public static class ReasonCodes
{
    /// <summary>Whether a reason code signals failure (0x80 and above, §2.4).</summary>
    public static bool IsError(this ReasonCode code) => (byte)code >= 0x80;

    /// <summary>
    /// The MQTT 3.1.1 CONNACK return code closest to a 5.0 CONNACK reason code. 3.1.1 has no codes for
    /// most 5.0 failures; "server unavailable" is the documented fallback that clients retry on.
    /// </summary>
    public static ConnectReturnCode ToConnectReturnCode(this ReasonCode code) => code switch
    {
        ReasonCode.Success => ConnectReturnCode.Accepted,
        ReasonCode.UnsupportedProtocolVersion => ConnectReturnCode.UnacceptableProtocolVersion,
        ReasonCode.ClientIdentifierNotValid => ConnectReturnCode.IdentifierRejected,
        ReasonCode.BadUserNameOrPassword => ConnectReturnCode.BadUserNameOrPassword,
        ReasonCode.NotAuthorized or ReasonCode.Banned or ReasonCode.BadAuthenticationMethod => ConnectReturnCode.NotAuthorized,
        _ => ConnectReturnCode.ServerUnavailable,
    };

    /// <summary>The 5.0 reason code for a 3.1.1 CONNACK return code.</summary>
    public static ReasonCode ToReasonCode(this ConnectReturnCode code) => code switch
    {
        ConnectReturnCode.Accepted => ReasonCode.Success,
        ConnectReturnCode.UnacceptableProtocolVersion => ReasonCode.UnsupportedProtocolVersion,
        ConnectReturnCode.IdentifierRejected => ReasonCode.ClientIdentifierNotValid,
        ConnectReturnCode.BadUserNameOrPassword => ReasonCode.BadUserNameOrPassword,
        ConnectReturnCode.NotAuthorized => ReasonCode.NotAuthorized,
        _ => ReasonCode.ServerUnavailable,
    };
}
