using Tether.Protocol;

namespace Tether.Client;

public sealed partial class MqttClient
{
    /// <summary>
    /// Subscribes and waits for SUBACK. Granted filters are remembered and subscribed again after a reconnect that
    /// finds no session on the server. Requires a connection.
    /// </summary>
    public async Task<MqttSubscribeResult> SubscribeAsync(IReadOnlyList<TopicSubscription> subscriptions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscriptions);
        ArgumentOutOfRangeException.ThrowIfZero(subscriptions.Count);
        var connection = RequireConnection();
        var packet = new SubscribePacket();
        packet.Subscriptions.AddRange(subscriptions);
        var subAck = (SubAckPacket)await RequestAsync(connection, packet, id => packet.PacketId = id, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            for (var i = 0; i < subscriptions.Count && i < subAck.ReasonCodes.Count; i++)
            {
                if (!subAck.ReasonCodes[i].IsError())
                {
                    _subscriptions[subscriptions[i].Filter] = subscriptions[i];
                }
            }
        }

        return new MqttSubscribeResult([.. subAck.ReasonCodes]);
    }

    /// <summary>Subscribes to one filter (see <see cref="SubscribeAsync(IReadOnlyList{TopicSubscription}, CancellationToken)"/>).</summary>
    public Task<MqttSubscribeResult> SubscribeAsync(string filter, QualityOfService qos = QualityOfService.AtMostOnce, CancellationToken cancellationToken = default) =>
        SubscribeAsync([new TopicSubscription(filter, qos)], cancellationToken);

    /// <summary>Unsubscribes and waits for UNSUBACK; the filters are no longer restored after a reconnect.</summary>
    public async Task UnsubscribeAsync(IReadOnlyList<string> filters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filters);
        ArgumentOutOfRangeException.ThrowIfZero(filters.Count);
        var connection = RequireConnection();
        lock (_gate)
        {
            foreach (var filter in filters)
            {
                _subscriptions.Remove(filter);
            }
        }

        var packet = new UnsubscribePacket();
        packet.Filters.AddRange(filters);
        await RequestAsync(connection, packet, id => packet.PacketId = id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Unsubscribes from one filter.</summary>
    public Task UnsubscribeAsync(string filter, CancellationToken cancellationToken = default) => UnsubscribeAsync([filter], cancellationToken);

    /// <summary>After a reconnect without a session: the remembered filters, in one SUBSCRIBE.</summary>
    private async Task ResubscribeAsync(Connection connection, CancellationToken cancellationToken)
    {
        var packet = new SubscribePacket();
        lock (_gate)
        {
            packet.Subscriptions.AddRange(_subscriptions.Values);
        }

        if (packet.Subscriptions.Count == 0)
        {
            return;
        }

        ClientLog.Resubscribing(_logger, packet.Subscriptions.Count);
        await RequestAsync(connection, packet, id => packet.PacketId = id, cancellationToken).ConfigureAwait(false);
    }

    private async Task<MqttPacket> RequestAsync(Connection connection, MqttPacket packet, Action<ushort> setId, CancellationToken cancellationToken)
    {
        var answer = new TaskCompletionSource<MqttPacket>(TaskCreationOptions.RunContinuationsAsynchronously);
        ushort id;
        lock (_gate)
        {
            id = AllocatePacketId();
            _requests[id] = answer;
        }

        setId(id);
        try
        {
            await WriteAsync(connection, packet, cancellationToken).ConfigureAwait(false);
            return await answer.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _requests.Remove(id);
            }
        }
    }

    private Connection RequireConnection() =>
        Volatile.Read(ref _connection) is { IsLost: false } connection
            ? connection
            : throw new MqttClientException("The client is not connected.");
}
