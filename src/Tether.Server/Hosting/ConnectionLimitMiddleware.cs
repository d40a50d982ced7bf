using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Tether.Server;

/// <summary>
/// <c>max_connections</c> of one listener: connection middleware that closes a new connection at once while the
/// listener already holds its limit, as Mosquitto does. Kestrel's own MaxConcurrentConnections is server-wide.
/// </summary>
internal sealed class ConnectionLimitMiddleware
{
    private readonly ConnectionDelegate _next;
    private readonly int _limit;
    private readonly string _listenerName;
    private readonly ILogger _logger;
    private int _count;

    public ConnectionLimitMiddleware(ConnectionDelegate next, int limit, string listenerName, ILogger logger)
    {
        _next = next;
        _limit = limit;
        _listenerName = listenerName;
        _logger = logger;
    }

    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        if (Interlocked.Increment(ref _count) > _limit)
        {
            Interlocked.Decrement(ref _count);

            // Returning without running the next delegate makes Kestrel close the socket.
            ServerLog.ConnectionDeniedMaxConnections(_logger, connection.RemoteEndPoint?.ToString() ?? "unknown", _listenerName);
            return;
        }

        try
        {
            await _next(connection).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _count);
        }
    }
}
