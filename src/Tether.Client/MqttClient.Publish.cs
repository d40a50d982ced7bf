using System.Buffers;
using System.Text;
using Tether.Protocol;

namespace Tether.Client;

public sealed partial class MqttClient
{
    /// <summary>
    /// Publishes a message. Completes when QoS 0 is written, QoS 1 is acknowledged (PUBACK) or QoS 2 is complete
    /// (PUBCOMP). While disconnected the message waits in the offline queue and goes out, in order, after the
    /// reconnect; an unacknowledged QoS 1 or 2 message is resent with DUP after a reconnect. Cancelling stops the
    /// wait, not the message.
    /// </summary>
    /// <exception cref="MqttOfflineQueueFullException">Disconnected and the queue is full.</exception>
    /// <exception cref="MqttPublishException">The server refused the message (5.0 reason code of 0x80 and above).</exception>
    public async Task PublishAsync(MqttApplicationMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var item = new OutgoingPublish(message);
        if (IsConnected)
        {
            await _queue.EnqueueAsync(item, cancellationToken).ConfigureAwait(false);
        }
        else if (!_queue.TryEnqueue(item))
        {
            throw new MqttOfflineQueueFullException($"Disconnected and the offline queue already holds {_queue.Limit} messages; the message was not queued.");
        }

        WakeWriter();

        await item.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Publishes <paramref name="payload"/> to <paramref name="topic"/> (see <see cref="PublishAsync(MqttApplicationMessage, CancellationToken)"/>).</summary>
    public Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, QualityOfService qos = QualityOfService.AtMostOnce, bool retain = false, CancellationToken cancellationToken = default) =>
        PublishAsync(new MqttApplicationMessage(topic, payload, qos, retain), cancellationToken);

    /// <summary>Publishes UTF-8 text to <paramref name="topic"/> (see <see cref="PublishAsync(MqttApplicationMessage, CancellationToken)"/>).</summary>
    public Task PublishAsync(string topic, string payload, QualityOfService qos = QualityOfService.AtMostOnce, bool retain = false, CancellationToken cancellationToken = default) =>
        PublishAsync(new MqttApplicationMessage(topic, Encoding.UTF8.GetBytes(payload), qos, retain), cancellationToken);

    /// <summary>After a reconnect: every unacknowledged message again, in its original order [MQTT-4.4.0-1].</summary>
    private async Task ResendInflightAsync(Connection connection, CancellationToken cancellationToken)
    {
        List<OutgoingPublish> pending;
        lock (_gate)
        {
            pending = [.. _inflight.Values];
        }

        if (pending.Count == 0)
        {
            return;
        }

        pending.Sort(static (a, b) => a.Sequence.CompareTo(b.Sequence));
        ClientLog.Resending(_logger, pending.Count);
        for (var i = 0; i < pending.Count; i++)
        {
            // A QoS 2 message whose PUBREC arrived is past the point of delivery: only PUBREL is repeated.
            var item = pending[i];
            MqttPacket packet = item.Released
                ? new AckPacket(PacketType.PubRel) { PacketId = item.PacketId }
                : BuildPublish(item, duplicate: true);
            if (i < pending.Count - 1)
            {
                EnqueueWrite(connection, packet);
            }
            else
            {
                // The control queue keeps order: once the last is flushed, all are.
                await WriteAsync(connection, packet, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static void ApplyProperties(MqttApplicationMessage message, MqttProperties properties)
    {
        if (message.ContentType is { } contentType)
        {
            properties.ContentType = Utf8Text.FromString(contentType);
        }

        if (message.ResponseTopic is { } responseTopic)
        {
            properties.ResponseTopic = Utf8Text.FromString(responseTopic);
        }

        properties.CorrelationData = message.CorrelationData;
        if (message.MessageExpiry is { } expiry)
        {
            properties.MessageExpiryInterval = (uint)Math.Clamp(expiry.TotalSeconds, 0, uint.MaxValue);
        }

        if (message.PayloadIsUtf8 is { } utf8)
        {
            properties.PayloadFormatIndicator = utf8 ? (byte)1 : (byte)0;
        }

        foreach (var (name, value) in message.UserProperties)
        {
            properties.UserProperties.Add(new UserProperty(Utf8Text.FromString(name), Utf8Text.FromString(value)));
        }
    }

    /// <summary>The in-flight window may have room again (or the queue changed): let the writer look.</summary>
    private void SignalWindow() => WakeWriter();

    /// <summary>The next packet identifier not in use by an in-flight publish or a pending request (caller holds the lock).</summary>
    private ushort AllocatePacketId()
    {
        for (var i = 0; i < ushort.MaxValue; i++)
        {
            _lastPacketId = _lastPacketId == ushort.MaxValue ? (ushort)1 : (ushort)(_lastPacketId + 1);
            if (!_inflight.ContainsKey(_lastPacketId) && !_requests.ContainsKey(_lastPacketId))
            {
                return _lastPacketId;
            }
        }

        throw new MqttClientException("All 65,535 packet identifiers are in use.");
    }
}
