using Tether.Protocol;

namespace Tether.Client;

/// <summary>The server refused CONNECT: CONNACK carried a failure code.</summary>
public sealed class MqttConnectException : MqttClientException
{
    /// <summary>Creates the exception for a refusal.</summary>
    public MqttConnectException(ReasonCode reasonCode, ProtocolVersion protocolVersion, string? reasonString = null)
        : base(Describe(reasonCode, protocolVersion) + (reasonString is null ? string.Empty : " (" + reasonString + ")"))
    {
        ReasonCode = reasonCode;
        ProtocolVersion = protocolVersion;
    }

    /// <summary>Creates an exception without a code (for serializers and analyzers).</summary>
    public MqttConnectException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public MqttConnectException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    public MqttConnectException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The CONNACK code as a 5.0 reason code (3.1.1 return codes are mapped to theirs).</summary>
    public ReasonCode ReasonCode { get; }

    /// <summary>The version the CONNECT was sent in.</summary>
    public ProtocolVersion ProtocolVersion { get; }

    /// <summary>
    /// The refusal worded as libmosquitto words it (<c>mosquitto_connack_string</c> for 3.1.1, the reason code's name for 5.0),
    /// so that <c>tether pub</c> prints what <c>mosquitto_pub</c> prints.
    /// </summary>
    public static string Describe(ReasonCode reasonCode, ProtocolVersion protocolVersion)
    {
        if (protocolVersion != ProtocolVersion.V500)
        {
            return reasonCode.ToConnectReturnCode() switch
            {
                ConnectReturnCode.UnacceptableProtocolVersion => "Connection Refused: unacceptable protocol version.",
                ConnectReturnCode.IdentifierRejected => "Connection Refused: identifier rejected.",
                ConnectReturnCode.ServerUnavailable => "Connection Refused: broker unavailable.",
                ConnectReturnCode.BadUserNameOrPassword => "Connection Refused: bad user name or password.",
                ConnectReturnCode.NotAuthorized => "Connection Refused: not authorised.",
                _ => "Connection Refused: unknown reason.",
            };
        }

        return MqttReasonText.Describe(reasonCode);
    }
}
