namespace Tether.Client;

/// <summary>Which way a packet passed to <see cref="MqttClientOptions.PacketObserver"/> travels.</summary>
public enum MqttPacketDirection
{
    /// <summary>From the client to the server.</summary>
    Sent,

    /// <summary>From the server to the client.</summary>
    Received,
}
