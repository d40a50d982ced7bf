namespace Tether.Client;

public sealed partial class MqttClient
{
    /// <summary>Starts the reconnect loop unless one is already running.</summary>
    private void StartReconnecting(MqttDisconnectedEventArgs cause)
    {
        if (Interlocked.CompareExchange(ref _reconnecting, 1, 0) == 0)
        {
            _reconnectLoop = ReconnectLoopAsync(cause, _lifetime.Token);
        }
    }

    private async Task ReconnectLoopAsync(MqttDisconnectedEventArgs cause, CancellationToken cancellationToken)
    {
        var backoff = new ReconnectBackoff(_options.Reconnect);
        var lastFailure = cause;
        try
        {
            for (var attempt = 1; !cancellationToken.IsCancellationRequested; attempt++)
            {
                var delay = backoff.NextDelay(attempt - 1);
                ClientLog.Reconnecting(_logger, _endpoint, delay, attempt);
                Raise(Reconnecting, new MqttReconnectingEventArgs(attempt, delay, lastFailure));
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                try
                {
                    await OpenAsync(isReconnect: true, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    lastFailure = Classify(e, connecting: true);
                    ClientLog.ReconnectFailed(_logger, attempt, lastFailure.Kind, lastFailure.Detail);
                    continue;
                }

                // Connected. A loss between OpenAsync and here found the loop still running and did not start
                // another; pick it up now.
                Volatile.Write(ref _reconnecting, 0);
                if (!IsConnected && !cancellationToken.IsCancellationRequested && Interlocked.CompareExchange(ref _reconnecting, 1, 0) == 0)
                {
                    backoff = new ReconnectBackoff(_options.Reconnect);
                    attempt = 0;
                    continue;
                }

                return;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // DisconnectAsync or DisposeAsync stopped reconnecting.
        }
        finally
        {
            if (cancellationToken.IsCancellationRequested)
            {
                Volatile.Write(ref _reconnecting, 0);
            }
        }
    }
}
