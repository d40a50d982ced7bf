using Microsoft.AspNetCore.Connections;
using Tether.Broker;

namespace Tether.Server;

/// <summary>Kestrel's entry point for one MQTT connection: hands the connection's pipes to the broker for its lifetime.</summary>
public sealed class MqttConnectionHandler : ConnectionHandler
{
    private readonly MqttBroker _broker;
    private readonly string _listenerName;

    /// <summary>Creates the handler of one listener.</summary>
    /// <param name="broker">The broker that speaks MQTT on the connections.</param>
    /// <param name="listenerName">The listener's name, passed to the broker in <see cref="ConnectionInfo.ListenerName"/>.</param>
    public MqttConnectionHandler(MqttBroker broker, string listenerName)
    {
        ArgumentNullException.ThrowIfNull(broker);
        ArgumentNullException.ThrowIfNull(listenerName);
        _broker = broker;
        _listenerName = listenerName;
    }

    /// <inheritdoc />
    public override Task OnConnectedAsync(ConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var info = new ConnectionInfo(connection.ConnectionId, connection.RemoteEndPoint, connection.LocalEndPoint, _listenerName);
        return _broker.RunConnectionAsync(connection.Transport, info, connection.ConnectionClosed);
    }
}
