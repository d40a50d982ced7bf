using Tether.Client.Tests.Support;
using Tether.Protocol;
using Tether.Server;
using Tether.Server.Tests.Tls;

namespace Tether.Client.Tests;

/// <summary>The same client over ws://, wss:// and TLS, with certificates made at test time.</summary>
public sealed class Transport_Tests : IDisposable
{
    private readonly TestCertificates _certificates = new();

    public void Dispose() => _certificates.Dispose();

    [Theory]
    [InlineData("ws", ProtocolVersion.V311)]
    [InlineData("ws", ProtocolVersion.V500)]
    [InlineData("wss", ProtocolVersion.V311)]
    [InlineData("wss", ProtocolVersion.V500)]
    [InlineData("mqtts", ProtocolVersion.V311)]
    [InlineData("mqtts", ProtocolVersion.V500)]
    public async Task Round_trip_over(string scheme, ProtocolVersion version)
    {
        await using var broker = await StartAsync();
        await using var client = new MqttClient(Options(broker, scheme, version) with { ClientId = scheme + version });
        await client.ConnectAsync().WaitAsync(TestBroker.Timeout);
        await client.SubscribeAsync("over/#", QualityOfService.ExactlyOnce).WaitAsync(TestBroker.Timeout);

        // Large enough to span several WebSocket reads and TLS records.
        var big = new byte[200_000];
        Random.Shared.NextBytes(big);
        await client.PublishAsync("over/big", big, QualityOfService.AtLeastOnce).WaitAsync(TestBroker.Timeout);
        await client.PublishAsync("over/small", "s", QualityOfService.ExactlyOnce).WaitAsync(TestBroker.Timeout);
        var received = await client.TakeAsync(2);
        Assert.Equal(big, received[0].Payload.ToArray());
        Assert.Equal("s", received[1].PayloadAsString());
    }

    [Theory]
    [InlineData("ws")]
    [InlineData("wss")]
    public async Task WebSocket_client_reconnects_and_resubscribes(string scheme)
    {
        await using var broker = await StartAsync();
        await using var client = new MqttClient(Options(broker, scheme, ProtocolVersion.V311) with { ClientId = "ws-phoenix-" + scheme });
        var events = new ClientEvents(client);
        await client.ConnectAsync().WaitAsync(TestBroker.Timeout);
        await client.SubscribeAsync("again", QualityOfService.AtLeastOnce).WaitAsync(TestBroker.Timeout);

        var lost = events.NextAsync<MqttDisconnectedEventArgs>();
        var back = events.NextAsync<MqttConnectedEventArgs>();
        await broker.StopAsync();
        var reason = await lost;
        Assert.True(reason.Kind is MqttDisconnectKind.SocketClosed or MqttDisconnectKind.WebSocketClosed or MqttDisconnectKind.TransportError, reason.ToString());
        var offline = client.PublishAsync("again", "queued", QualityOfService.AtLeastOnce);
        await broker.RestartAsync();
        await back;
        await offline.WaitAsync(TestBroker.Timeout);
        Assert.Equal("queued", Assert.Single(await client.TakeAsync(1)).PayloadAsString());
    }

    [Fact]
    public async Task Client_certificate_is_presented_when_the_listener_requires_one()
    {
        await using var broker = await TestBroker.StartAsync([port => _certificates.Listener(requireCertificate: true) with { Port = port }]);
        var options = MqttClientOptions.Default with
        {
            Uri = broker.Uri("mqtts"),
            Tls = new MqttTlsOptions { CaFile = _certificates.CaFile, ClientCertificate = _certificates.ClientCertificate },
            ConnectTimeout = TestBroker.Timeout,
        };
        await using var client = new MqttClient(options);
        await client.ConnectAsync().WaitAsync(TestBroker.Timeout);
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task An_untrusted_server_certificate_is_a_TLS_failure()
    {
        await using var broker = await StartAsync();
        var options = MqttClientOptions.Default with { Uri = broker.Uri("mqtts", 2), ConnectTimeout = TestBroker.Timeout };
        await using var client = new MqttClient(options);
        await Assert.ThrowsAsync<System.Security.Authentication.AuthenticationException>(() => client.ConnectAsync().WaitAsync(TestBroker.Timeout));
    }

    [Fact]
    public async Task A_CA_directory_trusts_the_server_and_TLS_1_3_can_be_required()
    {
        await using var broker = await StartAsync();
        var directory = Directory.CreateTempSubdirectory("tether-capath-").FullName;
        try
        {
            File.Copy(_certificates.CaFile, Path.Combine(directory, "authority.pem"));
            File.WriteAllText(Path.Combine(directory, "README"), "not a certificate: ignored");
            var options = MqttClientOptions.Default with
            {
                Uri = broker.Uri("mqtts", 2),
                Tls = new MqttTlsOptions { CaDirectory = directory, Protocols = System.Security.Authentication.SslProtocols.Tls13 },
                BindAddress = System.Net.IPAddress.Loopback,
                ConnectTimeout = TestBroker.Timeout,
            };
            await using var client = new MqttClient(options);
            await client.ConnectAsync().WaitAsync(TestBroker.Timeout);
            Assert.True(client.IsConnected);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task An_empty_CA_directory_trusts_nothing()
    {
        await using var broker = await StartAsync();
        var directory = Directory.CreateTempSubdirectory("tether-capath-").FullName;
        try
        {
            var options = MqttClientOptions.Default with { Uri = broker.Uri("mqtts", 2), Tls = new MqttTlsOptions { CaDirectory = directory }, ConnectTimeout = TestBroker.Timeout };
            await using var client = new MqttClient(options);
            await Assert.ThrowsAsync<System.Security.Authentication.AuthenticationException>(() => client.ConnectAsync().WaitAsync(TestBroker.Timeout));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Listeners: 0 TCP, 1 WebSocket, 2 TLS, 3 WSS.</summary>
    private Task<TestBroker> StartAsync() => TestBroker.StartAsync(
    [
        port => new ListenerOptions { Port = port, BindAddress = "127.0.0.1" },
        port => new ListenerOptions { Port = port, BindAddress = "127.0.0.1", Protocol = ListenerProtocol.WebSockets },
        port => _certificates.Listener() with { Port = port },
        port => _certificates.Listener(protocol: ListenerProtocol.WebSockets) with { Port = port },
    ]);

    private MqttClientOptions Options(TestBroker broker, string scheme, ProtocolVersion version) => broker.ClientOptions(version) with
    {
        Uri = scheme switch
        {
            "ws" => broker.Uri("ws", 1),
            "mqtts" => broker.Uri("mqtts", 2),
            _ => broker.Uri("wss", 3),
        },
        Tls = new MqttTlsOptions { CaFile = _certificates.CaFile },
    };
}
