namespace Tether.Client;

/// <summary>A publish was made while disconnected and the offline queue already held <see cref="MqttClientOptions.OfflineQueueLimit"/> messages.</summary>
public sealed class MqttOfflineQueueFullException : MqttClientException
{
    /// <summary>Creates the exception.</summary>
    public MqttOfflineQueueFullException()
        : base("The offline queue is full; the message was not queued.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public MqttOfflineQueueFullException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    public MqttOfflineQueueFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
