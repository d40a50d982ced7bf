namespace Tether.Broker;

/// <summary>
/// One timer drives every time-based rule (keep alive, CONNECT timeout, will delay, session expiry, $SYS), as
/// Kestrel's heartbeat does, instead of a timer per connection.
/// </summary>
public sealed partial class MqttBroker
{
    private int _heartbeatRunning;
    private DateTimeOffset _nextSysUpdate;

    private void OnHeartbeat()
    {
        // A slow beat must not overlap the next one.
        if (Interlocked.Exchange(ref _heartbeatRunning, 1) != 0)
        {
            return;
        }

        try
        {
            var timestamp = Time.GetTimestamp();
            var now = Time.GetUtcNow();
            CheckKeepAlive(timestamp);
            ExpireWillsAndSessions(now);
            if (Options.SysIntervalSeconds > 0 && now >= _nextSysUpdate)
            {
                _nextSysUpdate = now.AddSeconds(Options.SysIntervalSeconds);
                PublishSys(now);
            }
        }
        finally
        {
            Volatile.Write(ref _heartbeatRunning, 0);
        }
    }

    private void CheckKeepAlive(long timestamp)
    {
        foreach (var connection in _connections.Keys)
        {
            if (connection.IsClosing)
            {
                continue;
            }

            if (!connection.IsConnected)
            {
                if (Time.GetElapsedTime(connection.OpenedTimestamp, timestamp) > MqttConnection.ConnectTimeout)
                {
                    connection.RequestClose(DisconnectReason.ConnectTimeout, null, $"no CONNECT within {MqttConnection.ConnectTimeout.TotalSeconds:0} s");
                }

                continue;
            }

            var keepAlive = connection.KeepAliveSeconds;
            if (keepAlive == 0)
            {
                continue;
            }

            // [MQTT-3.1.2-22 (3.1.1)] / [MQTT-3.1.2-22 (5.0)]: one and a half times the keep alive without a packet.
            var silence = Time.GetElapsedTime(connection.LastReceivedTimestamp, timestamp);
            if (silence.TotalMilliseconds > keepAlive * 1500.0)
            {
                // The disconnect line written when the connection ends says so: one line per ending.
                connection.RequestClose(DisconnectReason.KeepAliveTimeout, Protocol.ReasonCode.KeepAliveTimeout, $"nothing received for {silence.TotalSeconds:0.#} s, keep alive {keepAlive} s");
            }
        }
    }
}
