using System.Collections.Concurrent;
using Tether.Client.Transport;
using Tether.Protocol;

namespace Tether.Client;

public sealed partial class MqttClient
{
    /// <summary>One open network connection and what lives exactly as long as it: reader, writer loop, keep alive.</summary>
    private sealed class Connection(IMqttTransport transport, MqttPacketReader reader, ProtocolVersion version)
    {
        private int _lost;
        private bool _publishesEnabled;

        public IMqttTransport Transport { get; } = transport;

        public MqttPacketReader Reader { get; } = reader;

        public ProtocolVersion Version { get; } = version;

        /// <summary>Packets other than new publishes, written ahead of them by the writer loop.</summary>
        public ConcurrentQueue<PendingWrite> Control { get; } = new();

        public WriterSignal Signal { get; } = new();

        /// <summary>Set once the session is restored (resubscribed, in-flight resent): new publishes may follow.</summary>
        public bool PublishesEnabled
        {
            get => Volatile.Read(ref _publishesEnabled);
            set => Volatile.Write(ref _publishesEnabled, value);
        }

        public Task WriterTask { get; set; } = Task.CompletedTask;

        public CancellationTokenSource Stopping { get; } = new();

        public ITimer? KeepAliveTimer { get; set; }

        /// <summary>A PINGREQ was sent and its PINGRESP has not arrived.</summary>
        public bool PingOutstanding { get; set; }

        public bool IsLost => Volatile.Read(ref _lost) != 0;

        /// <summary>True for the one caller that marks the connection lost.</summary>
        public bool TryMarkLost() => Interlocked.Exchange(ref _lost, 1) == 0;
    }

    /// <summary>Opens a transport, exchanges CONNECT/CONNACK, restores the session and starts the loops.</summary>
    private async Task<MqttConnectResult> OpenAsync(bool isReconnect, CancellationToken cancellationToken)
    {
        var version = _options.ProtocolVersion;
        ClientLog.Connecting(_logger, _endpoint, _options.ClientId, VersionName(version));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ConnectTimeout);
        IMqttTransport transport;
        try
        {
            transport = await MqttTransportFactory.ConnectAsync(_options, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Connecting to {_endpoint} timed out after {_options.ConnectTimeout}.");
        }

        var reader = new MqttPacketReader(version);
        ConnAckPacket connAck;
        try
        {
            var connect = BuildConnect(isReconnect);
            Trace(MqttPacketDirection.Sent, connect);
            await WriteRawAsync(transport, connect, version, timeout.Token).ConfigureAwait(false);
            connAck = await ReadConnAckAsync(transport, reader, timeout.Token).ConfigureAwait(false);
            Trace(MqttPacketDirection.Received, connAck);
        }
        catch (Exception e)
        {
            await transport.DisposeAsync().ConfigureAwait(false);
            if (e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"No CONNACK from {_endpoint} within {_options.ConnectTimeout}.");
            }

            throw;
        }

        if (connAck.ReasonCode.IsError())
        {
            await transport.DisposeAsync().ConfigureAwait(false);
            throw new MqttConnectException(connAck.ReasonCode, version, connAck.Properties.ReasonString?.ToString());
        }

        var result = ToResult(connAck);
        ClientId = result.AssignedClientId ?? _options.ClientId;
        var connection = new Connection(transport, reader, version);
        bool abandoned;
        lock (_gate)
        {
            // DisconnectAsync ran while this reconnect was under way: it found no connection to close, so close this one.
            abandoned = isReconnect && _closedByUser;
            _receiveMaximum = Math.Max(1, Math.Min(result.ReceiveMaximum, _options.MaxInflight));
            if (!result.SessionPresent)
            {
                // The server starts afresh, so it will not resend a QoS 2 message whose PUBREL is pending [MQTT-4.4.0-1].
                _incomingExactlyOnce.Clear();
            }

            if (!abandoned)
            {
                _connection = connection;
            }
        }

        if (abandoned)
        {
            await transport.DisposeAsync().ConfigureAwait(false);
            throw new OperationCanceledException("The client was disconnected while reconnecting.", cancellationToken);
        }

        connection.WriterTask = WriterLoopAsync(connection);
        _ = ReceiveLoopAsync(connection);
        StartKeepAlive(connection, result.ServerKeepAlive ?? _options.KeepAlive);
        try
        {
            if (!result.SessionPresent)
            {
                await ResubscribeAsync(connection, timeout.Token).ConfigureAwait(false);
            }

            await ResendInflightAsync(connection, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await CloseAsync(connection, Classify(e, connecting: false)).ConfigureAwait(false);
            throw;
        }

        connection.PublishesEnabled = true;
        connection.Signal.Set();
        ClientLog.Connected(_logger, _endpoint, result.SessionPresent);
        Raise(Connected, new MqttConnectedEventArgs(result, isReconnect));
        return result;
    }

    private ConnectPacket BuildConnect(bool isReconnect)
    {
        var version = _options.ProtocolVersion;
        var connect = new ConnectPacket
        {
            ProtocolVersion = version,
            ClientId = ClientId.Length > 0 && isReconnect ? ClientId : _options.ClientId,

            // A 5.0 reconnect resumes the session it may have (its expiry decides whether there is one); 3.1.1 keeps
            // the clean session flag, as that flag also decides whether the server keeps the session afterwards.
            CleanSession = version == ProtocolVersion.V500 && isReconnect ? false : _options.CleanStart,
            KeepAliveSeconds = (ushort)Math.Clamp(_options.KeepAlive.TotalSeconds, 0, ushort.MaxValue),
        };
        if (version != ProtocolVersion.V500 && connect.ClientId.Length == 0 && !connect.CleanSession)
        {
            // [MQTT-3.1.3-7]: a 3.1.1 client with an empty id must ask for a clean session; make one up instead.
            connect.ClientId = "tether-" + Guid.NewGuid().ToString("N")[..12];
        }

        if (_options.Credentials is { } credentials)
        {
            connect.UserName = credentials.UserName;
            if (credentials.Password is not null)
            {
                connect.Password = System.Text.Encoding.UTF8.GetBytes(credentials.Password);
            }
        }

        if (version == ProtocolVersion.V500 && _options.SessionExpiry > TimeSpan.Zero)
        {
            connect.Properties.SessionExpiryInterval = (uint)Math.Min(_options.SessionExpiry.TotalSeconds, uint.MaxValue);
        }

        if (version == ProtocolVersion.V500)
        {
            foreach (var (name, value) in _options.ConnectUserProperties)
            {
                connect.Properties.UserProperties.Add(new UserProperty(Utf8Text.FromString(name), Utf8Text.FromString(value)));
            }
        }

        if (_options.Will is { } will)
        {
            var willMessage = new WillMessage
            {
                Topic = Utf8Text.FromString(will.Topic),
                Payload = will.Payload,
                QoS = will.QoS,
                Retain = will.Retain,
            };
            if (version == ProtocolVersion.V500)
            {
                ApplyProperties(will, willMessage.Properties);
            }

            connect.Will = willMessage;
        }

        return connect;
    }

    private static async Task<ConnAckPacket> ReadConnAckAsync(IMqttTransport transport, MqttPacketReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await transport.Input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var status = reader.TryRead(ref buffer, out var packet, out var error);
            if (status == ReadStatus.Error)
            {
                throw new MqttProtocolException("Malformed CONNACK: " + error.Message);
            }

            if (status == ReadStatus.Packet)
            {
                transport.Input.AdvanceTo(buffer.Start);
                return packet as ConnAckPacket ?? throw new MqttProtocolException($"Expected CONNACK, received {packet!.Type}.");
            }

            transport.Input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                throw new IOException(transport.CloseFrameDetail is { } detail
                    ? "The server closed the WebSocket before CONNACK (" + detail + ")."
                    : "The server closed the connection before CONNACK.");
            }
        }
    }

    private static MqttConnectResult ToResult(ConnAckPacket connAck)
    {
        var p = connAck.Properties;
        return new MqttConnectResult(
            connAck.SessionPresent,
            p.AssignedClientIdentifier?.ToString(),
            p.ServerKeepAlive is { } keepAlive ? TimeSpan.FromSeconds(keepAlive) : null,
            p.ReceiveMaximum is { } receiveMaximum and > 0 ? receiveMaximum : ushort.MaxValue,
            p.MaximumQoS is { } maximumQoS ? (QualityOfService)maximumQoS : QualityOfService.ExactlyOnce,
            p.RetainAvailable is not 0);
    }

    private void StartKeepAlive(Connection connection, TimeSpan keepAlive)
    {
        if (keepAlive <= TimeSpan.Zero)
        {
            return;
        }

        // Every keep alive period: PINGREQ, unless the previous one is still unanswered, which means the connection
        // is dead (the server would otherwise have answered within the period, [MQTT-3.1.2-24] mirrored on our side).
        connection.KeepAliveTimer = _time.CreateTimer(
            static state =>
            {
                var (client, connection) = ((MqttClient, Connection))state!;
                client.OnKeepAlive(connection);
            },
            (this, connection),
            keepAlive,
            keepAlive);
    }

    private void OnKeepAlive(Connection connection)
    {
        if (connection.IsLost)
        {
            return;
        }

        if (connection.PingOutstanding)
        {
            _ = CloseAsync(connection, new MqttDisconnectedEventArgs(MqttDisconnectKind.KeepAliveTimeout, "no PINGRESP within the keep alive"));
            return;
        }

        connection.PingOutstanding = true;

        // A write failure ends the connection from the writer loop.
        EnqueueWrite(connection, PingReqPacket.Instance);
    }

    private static async ValueTask WriteRawAsync(IMqttTransport transport, MqttPacket packet, ProtocolVersion version, CancellationToken cancellationToken)
    {
        MqttPacketWriter.Write(transport.Output, packet, version);
        var flushed = await transport.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (flushed.IsCompleted)
        {
            throw new IOException("The connection is closed.");
        }
    }

    /// <summary>
    /// Ends a connection once: stops its loops, fails requests waiting on it, raises <see cref="Disconnected"/> and,
    /// unless the application asked for it, starts reconnecting.
    /// </summary>
    private async Task CloseAsync(Connection connection, MqttDisconnectedEventArgs reason)
    {
        if (!connection.TryMarkLost())
        {
            return;
        }

        await connection.Stopping.CancelAsync().ConfigureAwait(false);
        connection.KeepAliveTimer?.Dispose();
        List<TaskCompletionSource<MqttPacket>> requests;
        bool reconnect;
        lock (_gate)
        {
            if (_connection == connection)
            {
                _connection = null;
            }

            requests = [.. _requests.Values];
            _requests.Clear();
            reconnect = _options.Reconnect.Enabled && !_closedByUser && !_disposed && reason.Kind != MqttDisconnectKind.ClientDisconnect;
        }

        foreach (var request in requests)
        {
            request.TrySetException(new MqttClientException("The connection was lost before the server answered: " + reason.Detail));
        }

        try
        {
            // The pipe writer is not thread-safe: let the writer loop (cancelled above) end before disposing it.
            await connection.WriterTask.ConfigureAwait(false);
            await connection.Transport.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // Closing an already broken transport.
        }

        reason.WillReconnect = reconnect;
        if (reason.Kind != MqttDisconnectKind.ClientDisconnect)
        {
            ClientLog.ConnectionLost(_logger, _endpoint, reason.Kind, reason.Detail, reason.Exception);
        }

        Raise(Disconnected, reason);
        if (reconnect)
        {
            StartReconnecting(reason);
        }
    }
}
