using System.Net;
using System.Net.NetworkInformation;
using Tether.Server.Tests.Hosting;

namespace Tether.Server.Tests.Configuration;

/// <summary><c>bind_interface NAME</c>: the most recent listener binds only that interface's addresses.</summary>
public sealed class Bind_interface_Tests
{
    private const string Source = "/etc/mosquitto/mosquitto.conf";

    private static string LoopbackInterface() =>
        Array.Find(NetworkInterface.GetAllNetworkInterfaces(), n => n.NetworkInterfaceType == NetworkInterfaceType.Loopback)?.Name
        ?? throw new InvalidOperationException("no loopback interface");

    [Fact]
    public void Bind_interface_applies_to_the_most_recent_listener_or_makes_the_default_one_real()
    {
        var name = LoopbackInterface();
        var config = MosquittoConfigParser.Parse($"listener 1884\nlistener 1885\nbind_interface {name}\n", Source);
        Assert.Null(config.Listeners[0].BindInterface);
        Assert.Equal(name, config.Listeners[1].BindInterface);

        // Before any listener line it configures the default listener, which then listens (Mosquitto 2.0).
        var defaultListener = MosquittoConfigParser.Parse($"bind_interface {name}\n", Source).DefaultListener;
        Assert.Equal(new ListenerOptions { BindInterface = name }, defaultListener);
    }

    [Fact]
    public void An_unknown_interface_is_an_error_on_its_line()
    {
        var e = Assert.Throws<MosquittoConfigException>(() => MosquittoConfigParser.Parse("listener 1884\nbind_interface tether-no-such-if0\n", Source));
        Assert.Equal(2, e.LineNumber);
        Assert.Equal("bind_interface", e.Option);
        Assert.Contains("there is no network interface 'tether-no-such-if0'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_listener_binds_the_interface_addresses_only()
    {
        var config = MosquittoConfigParser.Parse($"listener 1884\nsocket_domain ipv4\nbind_interface {LoopbackInterface()}\n", Source);
        await using var server = await TestServers.StartAsync(config with { Listeners = [config.Listeners[0] with { Port = 0 }] });

        var bound = Assert.Single(server.BoundListeners);
        Assert.True(IPAddress.IsLoopback(bound.EndPoint.Address), bound.EndPoint.ToString());
        using var socket = await TestServers.ConnectRawAsync(bound.EndPoint);
    }

    [Fact]
    public async Task A_bind_address_the_interface_does_not_have_stops_start_up()
    {
        var listener = new ListenerOptions { Port = 0, BindAddress = "192.0.2.1", BindInterface = LoopbackInterface() };
        var e = await Assert.ThrowsAsync<IOException>(() => TestServers.StartAsync(new TetherConfiguration { Listeners = [listener] }));
        Assert.Contains($"Cannot listen on interface '{listener.BindInterface}'", e.Message, StringComparison.Ordinal);
    }
}
