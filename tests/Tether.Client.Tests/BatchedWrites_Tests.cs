using System.Globalization;
using Tether.Client.Tests.Support;
using Tether.Protocol;

namespace Tether.Client.Tests;

/// <summary>
/// The writer loop batches publishes and fills the in-flight window without waiting for each acknowledgement, and
/// still delivers every message once, in order, never with more than <see cref="MqttClientOptions.MaxInflight"/>
/// unacknowledged [MQTT-4.9.0-2].
/// </summary>
public sealed class BatchedWrites_Tests
{
    private const int Count = 2000;

    [Theory]
    [InlineData(QualityOfService.AtMostOnce)]
    [InlineData(QualityOfService.AtLeastOnce)]
    [InlineData(QualityOfService.ExactlyOnce)]
    public async Task A_burst_of_publishes_arrives_complete_and_in_order_within_the_window(QualityOfService qos)
    {
        await using var broker = await TestBroker.StartAsync();
        await using var subscriber = new MqttClient(broker.ClientOptions() with { ClientId = "burst-sub-" + qos });
        var received = new List<string>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        subscriber.MessageReceivedAsync = (message, _) =>
        {
            lock (received)
            {
                received.Add(message.PayloadAsString());
                if (received.Count == Count)
                {
                    all.TrySetResult();
                }
            }

            return Task.CompletedTask;
        };
        await subscriber.ConnectAsync().WaitAsync(TestBroker.Timeout);
        await subscriber.SubscribeAsync("burst", qos).WaitAsync(TestBroker.Timeout);

        // Counts unacknowledged publishes as the client sees them on the wire.
        var sent = new List<string>();
        var outstanding = 0;
        var maxOutstanding = 0;
        var window = new Lock();
        void Observe(MqttPacketDirection direction, MqttPacket packet)
        {
            lock (window)
            {
                if (direction == MqttPacketDirection.Sent && packet is PublishPacket { Dup: false } publish)
                {
                    sent.Add(System.Text.EncodingExtensions.GetString(System.Text.Encoding.UTF8, publish.Payload));
                    if (publish.QoS != QualityOfService.AtMostOnce)
                    {
                        maxOutstanding = Math.Max(maxOutstanding, ++outstanding);
                    }
                }
                else if (direction == MqttPacketDirection.Received && packet is AckPacket { Type: PacketType.PubAck or PacketType.PubComp })
                {
                    outstanding--;
                }
            }
        }

        const int maxInflight = 8;
        await using var publisher = new MqttClient(broker.ClientOptions() with { ClientId = "burst-pub-" + qos, MaxInflight = maxInflight, PacketObserver = Observe });
        await publisher.ConnectAsync().WaitAsync(TestBroker.Timeout);
        var publishes = new Task[Count];
        for (var i = 0; i < Count; i++)
        {
            publishes[i] = publisher.PublishAsync("burst", i.ToString(CultureInfo.InvariantCulture), qos);
        }

        await Task.WhenAll(publishes).WaitAsync(TestBroker.Timeout);
        var expected = Enumerable.Range(0, Count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();
        lock (window)
        {
            Assert.Equal(expected, sent);
        }

        if (qos == QualityOfService.AtMostOnce)
        {
            // The broker may drop QoS 0 for a subscriber whose queue is full (max_queued_messages): on the wire
            // everything went out in order (above); what arrived is in order.
            lock (received)
            {
                Assert.Equal(received.OrderBy(r => int.Parse(r, CultureInfo.InvariantCulture)), received);
            }

            return;
        }

        await all.Task.WaitAsync(TestBroker.Timeout);
        Assert.Equal(expected, received);
        Assert.InRange(maxOutstanding, 2, maxInflight);
    }
}
