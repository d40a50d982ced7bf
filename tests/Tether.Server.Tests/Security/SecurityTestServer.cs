using System.Collections.Concurrent;
using System.Net;
using MQTTnet;
using MQTTnet.Formatter;
using Tether.Server.Tests.Hosting;

namespace Tether.Server.Tests.Security;

/// <summary>A temp directory holding a password file and an ACL file, and MQTTnet clients for a server using them.</summary>
internal sealed class SecurityTestServer : IAsyncDisposable
{
    private readonly string _directory = System.IO.Directory.CreateTempSubdirectory("tether-security-").FullName;

    public string PasswordFile => Path.Combine(_directory, "passwd");

    public string AclFile => Path.Combine(_directory, "acl");

    public string Directory => _directory;

    public TetherServer? Server { get; private set; }

    public ConcurrentQueue<string> Log { get; } = new();

    public async Task<TetherServer> StartAsync(string config)
    {
        var configuration = MosquittoConfigParser.Parse(config, Path.Combine(_directory, "mosquitto.conf"));
        Server = await TestServers.StartAsync(configuration, Log);
        return Server;
    }

    public static MqttClientOptions Options(IPEndPoint endPoint, MqttProtocolVersion version, string clientId, string? user, string? password)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(endPoint.Address.ToString(), endPoint.Port)
            .WithProtocolVersion(version)
            .WithClientId(clientId)
            .WithTimeout(TestServers.Timeout);
        if (user is not null)
        {
            builder = builder.WithCredentials(user, password);
        }

        return builder.Build();
    }

    public async Task<(IMqttClient Client, MqttClientConnectResult Result)> ConnectAsync(MqttProtocolVersion version, string clientId, string? user, string? password)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var bound = Server!.BoundListeners.First(l => l.Listener.Protocol == ListenerProtocol.Mqtt).EndPoint;
        var endPoint = bound.Address.Equals(IPAddress.Any) || bound.Address.Equals(IPAddress.IPv6Any) ? new IPEndPoint(IPAddress.Loopback, bound.Port) : bound;
        var result = await client.ConnectAsync(Options(endPoint, version, clientId, user, password)).WaitAsync(TestServers.Timeout);
        return (client, result);
    }

    public async ValueTask DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        System.IO.Directory.Delete(_directory, recursive: true);
    }
}
