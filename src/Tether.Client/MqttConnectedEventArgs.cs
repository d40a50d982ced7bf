namespace Tether.Client;

/// <summary>A connection was opened and accepted by the server.</summary>
public sealed class MqttConnectedEventArgs : EventArgs
{
    /// <summary>Creates the arguments.</summary>
    public MqttConnectedEventArgs(MqttConnectResult result, bool isReconnect)
    {
        Result = result;
        IsReconnect = isReconnect;
    }

    /// <summary>What CONNACK said.</summary>
    public MqttConnectResult Result { get; }

    /// <summary>Whether this is an automatic reconnect rather than <see cref="MqttClient.ConnectAsync"/>.</summary>
    public bool IsReconnect { get; }
}
