using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tether.Broker;

namespace Tether.Server;

/// <summary>
/// Shuts the broker down gracefully before Kestrel stops: <see cref="IHostedLifecycleService.StoppingAsync"/> of every
/// lifecycle service runs before any hosted service's StopAsync, so 5.0 clients get DISCONNECT 0x8B (server shutting
/// down) while their sockets are still open, and Kestrel then finds no connection left to wait for.
/// </summary>
internal sealed class BrokerShutdownService(MqttBroker broker, ILogger<TetherServer> logger) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await broker.ShutdownAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Kestrel aborts whatever is left when its own stop runs out of time.
            ServerLog.ShutdownTimedOut(logger);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
