using Tether.Protocol;

namespace Tether.Client;

/// <summary>The server answered a QoS 1 or 2 publish with a failure reason code (5.0 PUBACK or PUBREC of 0x80 and above).</summary>
public sealed class MqttPublishException : MqttClientException
{
    /// <summary>Creates the exception for <paramref name="reasonCode"/>.</summary>
    public MqttPublishException(ReasonCode reasonCode)
        : base($"The server refused the publish: {MqttReasonText.Describe(reasonCode)} (0x{(byte)reasonCode:X2}).")
    {
        ReasonCode = reasonCode;
    }

    /// <summary>Creates an exception without a code.</summary>
    public MqttPublishException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public MqttPublishException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    public MqttPublishException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The server's reason code.</summary>
    public ReasonCode ReasonCode { get; }
}
