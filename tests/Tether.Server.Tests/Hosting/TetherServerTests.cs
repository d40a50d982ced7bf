using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Tether.Server.Tests.Hosting;

public class TetherServerTests
{
    [Fact]
    public async Task Port_zero_is_reported_as_the_real_port()
    {
        await using var server = await TestServers.StartAsync(TestServers.Loopback());
        var bound = Assert.Single(server.BoundListeners);
        Assert.Equal(IPAddress.Loopback, bound.EndPoint.Address);
        Assert.NotEqual(0, bound.EndPoint.Port);
        Assert.Equal("0", bound.Listener.Name);
    }

    [Fact]
    public async Task Raw_mqtt_311_connect_gets_connack_accepted()
    {
        await using var server = await TestServers.StartAsync(TestServers.Loopback());
        using var socket = await TestServers.ConnectRawAsync(server.EndPoint());
        await socket.SendAsync(TestServers.Connect311).WaitAsync(TestServers.Timeout);
        Assert.Equal(TestServers.ConnAckAccepted, await TestServers.ReadAsync(socket, 4));
    }

    [Fact]
    public async Task Startup_is_logged_like_mosquitto()
    {
        var log = new ConcurrentQueue<string>();
        await using var server = await TestServers.StartAsync(TestServers.Loopback(), log);
        var port = server.EndPoint().Port;
        Assert.Contains($"tether version {TetherVersion.Current} starting", log);
        Assert.Contains("Using default config.", log);
        Assert.Contains($"Opening ipv4 listen socket on port {port}.", log);
        Assert.Contains($"tether version {TetherVersion.Current} running", log);
    }

    [Fact]
    public async Task Max_connections_refuses_the_extra_connection()
    {
        var log = new ConcurrentQueue<string>();
        await using var server = await TestServers.StartAsync(TestServers.Loopback(maxConnections: 1), log);

        using var first = await TestServers.ConnectRawAsync(server.EndPoint());
        await first.SendAsync(TestServers.Connect311).WaitAsync(TestServers.Timeout);
        Assert.Equal(TestServers.ConnAckAccepted, await TestServers.ReadAsync(first, 4));

        // The TCP handshake completes in the kernel; the listener then closes the connection without reading it.
        using var second = await TestServers.ConnectRawAsync(server.EndPoint());
        Assert.Empty(await ReadUntilClosedAsync(second));
        Assert.Contains(log, l => l.Contains("max_connections exceeded", StringComparison.Ordinal));

        // Once the first leaves, there is room again.
        first.Shutdown(SocketShutdown.Both);
        first.Close();
        await WaitForRoomAsync(server.EndPoint());
    }

    [Fact]
    public async Task Port_in_use_is_reported_with_the_port()
    {
        using var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        squatter.Listen();
        var port = ((IPEndPoint)squatter.LocalEndPoint!).Port;
        var configuration = new TetherConfiguration { Listeners = [new ListenerOptions { Port = port, BindAddress = "127.0.0.1" }] };

        var error = await Assert.ThrowsAsync<PortInUseException>(() => TestServers.StartAsync(configuration));
        Assert.Equal(port, error.EndPoint!.Port);
        Assert.StartsWith($"port {port} on 127.0.0.1 is already in use; is another broker (mosquitto?) running? choose another with -p", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Local_only_listener_binds_loopback()
    {
        await using var server = await TestServers.StartAsync(new TetherConfiguration { DefaultListener = ListenerOptions.LocalOnly(0) });
        var bound = Assert.Single(server.BoundListeners);
        Assert.True(IPAddress.IsLoopback(bound.EndPoint.Address));
        using var socket = await TestServers.ConnectRawAsync(new IPEndPoint(IPAddress.Loopback, bound.EndPoint.Port));
        await socket.SendAsync(TestServers.Connect311).WaitAsync(TestServers.Timeout);
        Assert.Equal(TestServers.ConnAckAccepted, await TestServers.ReadAsync(socket, 4));
    }

    [Fact]
    public async Task All_interfaces_listener_binds_the_any_address()
    {
        await using var server = await TestServers.StartAsync(new TetherConfiguration { Listeners = [new ListenerOptions { Port = 0, SocketDomain = AddressFamily.InterNetwork }] });
        Assert.Equal(IPAddress.Any, Assert.Single(server.BoundListeners).EndPoint.Address);
    }

    [Fact]
    public async Task Stop_closes_the_listeners()
    {
        var server = await TestServers.StartAsync(TestServers.Loopback());
        var endPoint = server.EndPoint();
        await server.StopAsync(CancellationToken.None).WaitAsync(TestServers.Timeout);
        await server.DisposeAsync();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var error = await Assert.ThrowsAsync<SocketException>(() => socket.ConnectAsync(endPoint).WaitAsync(TestServers.Timeout));
        Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
    }

    private static async Task<byte[]> ReadUntilClosedAsync(Socket socket)
    {
        var received = new List<byte>();
        var buffer = new byte[64];
        try
        {
            int n;
            while ((n = await socket.ReceiveAsync(buffer).WaitAsync(TestServers.Timeout)) > 0)
            {
                received.AddRange(buffer[..n]);
            }
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
        }

        return [.. received];
    }

    private static async Task WaitForRoomAsync(IPEndPoint endPoint)
    {
        // The server notices the first connection's end asynchronously; retry a bounded number of times, each
        // attempt synchronised on the server's answer (CONNACK or close), not on a sleep.
        var deadline = DateTime.UtcNow + TestServers.Timeout;
        while (DateTime.UtcNow < deadline)
        {
            using var socket = await TestServers.ConnectRawAsync(endPoint);
            await socket.SendAsync(TestServers.Connect311).WaitAsync(TestServers.Timeout);
            var answer = await ReadUntilClosedOrCountAsync(socket, 4);
            if (answer.Length == 4)
            {
                Assert.Equal(TestServers.ConnAckAccepted, answer);
                return;
            }
        }

        Assert.Fail("the listener never accepted a connection again after the first one closed");
    }

    private static async Task<byte[]> ReadUntilClosedOrCountAsync(Socket socket, int count)
    {
        try
        {
            return await TestServers.ReadAsync(socket, count);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.Shutdown)
        {
            return [];
        }
    }
}
