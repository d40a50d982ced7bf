using System.Net;
using Microsoft.Extensions.Time.Testing;
using Tether.Broker.Persistence;
using Tether.Protocol;

namespace Tether.Broker.Tests.Support;

/// <summary>A broker on a fake clock with in-memory connections.</summary>
internal sealed class BrokerHarness : IAsyncDisposable
{
    private int _connectionCount;

    public BrokerHarness(BrokerOptions? options = null, IBrokerStore? store = null)
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Broker = new MqttBroker(options ?? BrokerOptions.Default with { SysIntervalSeconds = 0 }, Time, store: store);
    }

    public FakeTimeProvider Time { get; }

    public MqttBroker Broker { get; }

    /// <summary>Opens a connection without sending anything.</summary>
    public TestClient Open(ProtocolVersion version = ProtocolVersion.V311, CancellationToken transportClosed = default)
    {
        var transport = new InMemoryTransport();
        var id = Interlocked.Increment(ref _connectionCount);
        var info = new ConnectionInfo($"test-{id}", new IPEndPoint(IPAddress.Loopback, 40000 + id), new IPEndPoint(IPAddress.Loopback, 1883), "test");
        var task = Broker.RunConnectionAsync(transport.BrokerSide, info, transportClosed);
        return new TestClient(transport.ClientSide, task, version);
    }

    /// <summary>Opens a connection, sends CONNECT and returns the client with its CONNACK.</summary>
    public async Task<(TestClient Client, ConnAckPacket ConnAck)> ConnectAsync(ConnectPacket connect)
    {
        var client = Open(connect.ProtocolVersion);
        await client.SendAsync(connect);
        var connAck = await client.ReceiveAsync<ConnAckPacket>();
        return (client, connAck);
    }

    public async Task<TestClient> ConnectAsync(string clientId, ProtocolVersion version = ProtocolVersion.V311, bool clean = true, ushort keepAlive = 0)
    {
        var (client, connAck) = await ConnectAsync(new ConnectPacket
        {
            ClientId = clientId,
            ProtocolVersion = version,
            CleanSession = clean,
            KeepAliveSeconds = keepAlive,
        });
        Assert.Equal(ReasonCode.Success, connAck.ReasonCode);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await Broker.DisposeAsync();
    }
}
