namespace Tether.Server;

/// <summary>What a listener speaks (<c>protocol</c> in <c>mosquitto.conf</c>).</summary>
public enum ListenerProtocol
{
    /// <summary>MQTT over plain TCP (<c>protocol mqtt</c>, the default).</summary>
    Mqtt,

    /// <summary>MQTT over WebSockets (<c>protocol websockets</c>). Served by Kestrel over HTTP/1.1 upgrade on any path.</summary>
    WebSockets,
}
