using Microsoft.Extensions.Logging;
using Tether.Server;

namespace Tether.Probe.Tests.Support;

/// <summary>A real Tether with one listener on 127.0.0.1, port chosen by the system, logging off.</summary>
internal static class TetherBroker
{
    public static async Task<TetherServer> StartAsync(ListenerProtocol protocol)
    {
        var server = new TetherServer(
            new TetherConfiguration { Listeners = [new ListenerOptions { Port = 0, BindAddress = "127.0.0.1", Protocol = protocol }] },
            new TetherServerOptions { ConfigureLogging = logging => logging.ClearProviders() });
        try
        {
            await server.StartAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public static int Port(this TetherServer server) => server.BoundListeners[0].EndPoint.Port;
}
