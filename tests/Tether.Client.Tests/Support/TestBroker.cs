using System.Net;
using Microsoft.Extensions.Logging;
using Tether.Server;

namespace Tether.Client.Tests.Support;

/// <summary>
/// A Tether on 127.0.0.1 that a test can stop and start again on the same ports: the first start binds port 0,
/// later starts bind the ports it got.
/// </summary>
internal sealed class TestBroker : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly Func<int, ListenerOptions>[] _listeners;
    private readonly Tether.Broker.BrokerOptions? _brokerOptions;
    private int[] _ports;
    private TetherServer? _server;

    private TestBroker(Func<int, ListenerOptions>[] listeners, Tether.Broker.BrokerOptions? brokerOptions)
    {
        _listeners = listeners;
        _brokerOptions = brokerOptions;
        _ports = new int[listeners.Length];
    }

    public TetherServer Server => _server ?? throw new InvalidOperationException("The broker is stopped.");

    /// <summary>Starts a broker with one plain MQTT listener.</summary>
    public static Task<TestBroker> StartAsync(Tether.Broker.BrokerOptions? brokerOptions = null) =>
        StartAsync([port => new ListenerOptions { Port = port, BindAddress = "127.0.0.1" }], brokerOptions);

    /// <summary>Starts a broker with the given listeners (each made for a port: 0 on the first start).</summary>
    public static async Task<TestBroker> StartAsync(Func<int, ListenerOptions>[] listeners, Tether.Broker.BrokerOptions? brokerOptions = null)
    {
        var broker = new TestBroker(listeners, brokerOptions);
        await broker.RestartAsync();
        return broker;
    }

    public int Port(int listener = 0) => _ports[listener];

    public Uri Uri(string scheme, int listener = 0) => new($"{scheme}://127.0.0.1:{_ports[listener]}/mqtt");

    public async Task StopAsync()
    {
        if (_server is { } server)
        {
            _server = null;
            await server.DisposeAsync().AsTask().WaitAsync(Timeout);
        }
    }

    public async Task RestartAsync()
    {
        await StopAsync();
        var configuration = new TetherConfiguration
        {
            Listeners = [.. _listeners.Select((make, i) => make(_ports[i]))],
            Broker = _brokerOptions ?? Tether.Broker.BrokerOptions.Default,
        };
        var server = new TetherServer(configuration, new TetherServerOptions
        {
            ShutdownTimeout = TimeSpan.FromSeconds(2),
            ConfigureLogging = logging => logging.ClearProviders(),
        });
        try
        {
            await server.StartAsync(CancellationToken.None).WaitAsync(Timeout);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        _ports = [.. server.BoundListeners.Select(l => l.EndPoint.Port)];
        _server = server;
    }

    public MqttClientOptions ClientOptions(Tether.Protocol.ProtocolVersion version = Tether.Protocol.ProtocolVersion.V500) => MqttClientOptions.Default with
    {
        Host = IPAddress.Loopback.ToString(),
        Port = _ports[0],
        ProtocolVersion = version,
        ConnectTimeout = Timeout,
        Reconnect = MqttReconnectOptions.Default with { InitialDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(200) },
    };

    public async ValueTask DisposeAsync() => await StopAsync();
}
