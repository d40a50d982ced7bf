using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Tether.Broker;

namespace Tether.Server;

/// <summary>Kestrel's entry point for one MQTT connection: hands the connection's pipes to the broker for its lifetime.</summary>
public sealed class MqttConnectionHandler : ConnectionHandler
{
    private readonly MqttBroker _broker;
    private readonly ListenerOptions _listener;

    /// <summary>Creates the handler of one listener.</summary>
    /// <param name="broker">The broker that speaks MQTT on the connections.</param>
    /// <param name="listenerName">The listener's name, passed to the broker in <see cref="ConnectionInfo.ListenerName"/>.</param>
    public MqttConnectionHandler(MqttBroker broker, string listenerName)
        : this(broker, new ListenerOptions(), listenerName)
    {
    }

    /// <summary>Creates the handler of one listener, which may take user names from client certificates.</summary>
    /// <param name="broker">The broker that speaks MQTT on the connections.</param>
    /// <param name="listener">The listener.</param>
    public MqttConnectionHandler(MqttBroker broker, ListenerOptions listener)
        : this(broker, listener, (listener ?? throw new ArgumentNullException(nameof(listener))).Name)
    {
    }

    private MqttConnectionHandler(MqttBroker broker, ListenerOptions listener, string listenerName)
    {
        ArgumentNullException.ThrowIfNull(broker);
        ArgumentNullException.ThrowIfNull(listener);
        ArgumentNullException.ThrowIfNull(listenerName);
        _broker = broker;
        _listener = listener;
        ListenerName = listenerName;
    }

    private string ListenerName { get; }

    /// <inheritdoc />
    public override Task OnConnectedAsync(ConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var info = new ConnectionInfo(connection.ConnectionId, connection.RemoteEndPoint, connection.LocalEndPoint, ListenerName)
        {
            UserNameFromCertificate = _listener.UserNameFromCertificate,
            CertificateUserName = _listener.UserNameFromCertificate
                ? CertificateUserName.For(_listener, connection.Features.Get<ITlsConnectionFeature>()?.ClientCertificate)
                : null,
        };
        return _broker.RunConnectionAsync(connection.Transport, info, connection.ConnectionClosed);
    }
}
