using Tether.Server.Tests.Hosting;

namespace Tether.Server.Tests.WebSockets;

/// <summary><c>protocol websockets</c> and Tether's own <c>websockets_ping_interval</c> in mosquitto.conf.</summary>
public class WebSocket_Config_Tests
{
    [Fact]
    public void Seed_deployment_websocket_listener_parses_with_pings_off()
    {
        var configuration = MosquittoConfigParser.Parse("port 1883\n\nlistener 9001\nprotocol websockets\nallow_anonymous true\n", "mosquitto.conf");
        var listener = Assert.Single(configuration.Listeners);
        Assert.Equal(9001, listener.Port);
        Assert.Equal(ListenerProtocol.WebSockets, listener.Protocol);
        Assert.Equal("9001/websockets", listener.Name);
        Assert.Equal(TimeSpan.Zero, listener.WebSocketPingInterval);
    }

    [Fact]
    public void Websockets_ping_interval_applies_to_the_most_recent_listener()
    {
        var configuration = MosquittoConfigParser.Parse("listener 1883\nlistener 9001\nprotocol websockets\nwebsockets_ping_interval 30\n", "mosquitto.conf");
        Assert.Equal(TimeSpan.Zero, configuration.Listeners[0].WebSocketPingInterval);
        Assert.Equal(TimeSpan.FromSeconds(30), configuration.Listeners[1].WebSocketPingInterval);
    }
}
