using System.Net;
using System.Net.Sockets;

namespace Tether.Client.Tests.Support;

/// <summary>
/// A loopback TCP proxy in front of the broker that a test can make lose the server's replies and cut, to stop
/// an exchange at a chosen point (e.g. after the broker received a QoS 2 PUBLISH, before PUBREC reaches the client).
/// </summary>
internal sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly Lock _gate = new();
    private readonly List<(Socket Client, Socket Server)> _pairs = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;

    public TcpProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>While true, bytes from the server are thrown away instead of forwarded.</summary>
    public volatile bool DropServerReplies;

    /// <summary>Closes every proxied connection (new ones are still accepted).</summary>
    public void CutAll()
    {
        lock (_gate)
        {
            foreach (var (client, server) in _pairs)
            {
                client.Dispose();
                server.Dispose();
            }

            _pairs.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        CutAll();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var client = await _listener.AcceptSocketAsync(_stopping.Token);
            var server = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stopping.Token);
            lock (_gate)
            {
                _pairs.Add((client, server));
            }

            _ = PumpAsync(client, server, fromServer: false);
            _ = PumpAsync(server, client, fromServer: true);
        }
    }

    private async Task PumpAsync(Socket from, Socket to, bool fromServer)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var n = await from.ReceiveAsync(buffer, _stopping.Token);
                if (n == 0)
                {
                    break;
                }

                if (!(fromServer && DropServerReplies))
                {
                    await to.SendAsync(buffer.AsMemory(0, n), _stopping.Token);
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }

        from.Dispose();
        to.Dispose();
    }
}
