namespace Tether.Client;

/// <summary>A failure reported by <see cref="MqttClient"/>.</summary>
public class MqttClientException : Exception
{
    /// <summary>Creates an exception without a message.</summary>
    public MqttClientException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public MqttClientException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    public MqttClientException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
