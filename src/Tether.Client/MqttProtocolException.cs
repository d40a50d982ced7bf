namespace Tether.Client;

/// <summary>The server sent bytes that are not valid MQTT, or a packet out of order.</summary>
public sealed class MqttProtocolException : MqttClientException
{
    /// <summary>Creates an exception without a message.</summary>
    public MqttProtocolException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public MqttProtocolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    public MqttProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
