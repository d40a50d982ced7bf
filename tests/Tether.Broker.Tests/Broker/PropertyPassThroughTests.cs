using System.Buffers;
using System.Text;
using Tether.Broker.Tests.Support;
using Tether.Protocol;

namespace Tether.Broker.Tests.Broker;

/// <summary>5.0 application message properties the broker forwards unchanged (§3.3.2.3).</summary>
public sealed class PropertyPassThroughTests
{
    private static readonly byte[] Correlation = [0x00, 0xFF, 0x10, 0x80, 0x7F];

    [Fact]
    public async Task Application_properties_reach_the_subscriber_unchanged_and_in_order()
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.ConnectAsync("sub", ProtocolVersion.V500);
        await subscriber.SubscribeAsync(1, "req/#");
        var publisher = await harness.ConnectAsync("pub", ProtocolVersion.V500);
        await publisher.SendAsync(WithApplicationProperties(Packets.Publish("req/1", "{\"q\":1}")));

        AssertApplicationProperties(await subscriber.ReceiveAsync<PublishPacket>());
    }

    [Fact]
    public async Task Absent_binary_properties_stay_absent_when_forwarded()
    {
        // Regression: a null byte[] converted to ReadOnlyMemory<byte>? is an empty value, not an absent one,
        // so a forwarded message used to gain an empty correlation data property.
        await using var harness = new BrokerHarness();
        var subscriber = await harness.ConnectAsync("sub", ProtocolVersion.V500);
        await subscriber.SubscribeAsync(1, "ct/#");
        var publisher = await harness.ConnectAsync("pub", ProtocolVersion.V500);
        var publish = Packets.Publish("ct/1", "x");
        publish.Properties.ContentType = "text/plain";
        await publisher.SendAsync(publish);

        var received = await subscriber.ReceiveAsync<PublishPacket>();
        Assert.Equal("text/plain", received.Properties.ContentType?.ToString());
        Assert.Null(received.Properties.CorrelationData);
    }

    [Fact]
    public async Task Retained_copy_keeps_the_application_properties()
    {
        await using var harness = new BrokerHarness();
        var publisher = await harness.ConnectAsync("pub", ProtocolVersion.V500);
        await publisher.PublishAcknowledgedAsync(WithApplicationProperties(Packets.Publish("req/1", "{\"q\":1}", QualityOfService.AtLeastOnce, 1, retain: true)));

        var subscriber = await harness.ConnectAsync("sub", ProtocolVersion.V500);
        await subscriber.SubscribeAsync(1, "req/1");
        var retained = await subscriber.ReceiveAsync<PublishPacket>();
        Assert.True(retained.Retain);
        AssertApplicationProperties(retained);
    }

    [Fact]
    public async Task Queued_copy_for_an_offline_session_keeps_the_application_properties()
    {
        await using var harness = new BrokerHarness();
        static void Persistent(ConnectPacket c)
        {
            c.CleanSession = false;
            c.Properties.SessionExpiryInterval = 300;
        }

        var (subscriber, _) = await harness.ConnectAsync("sub", ProtocolVersion.V500, Persistent);
        await subscriber.SubscribeAsync(1, "req/1", QualityOfService.AtLeastOnce);
        await subscriber.SendAsync(new DisconnectPacket());
        await subscriber.BrokerEndedAsync();

        var publisher = await harness.ConnectAsync("pub", ProtocolVersion.V500);
        await publisher.PublishAcknowledgedAsync(WithApplicationProperties(Packets.Publish("req/1", "{\"q\":1}", QualityOfService.AtLeastOnce, 1)));

        // The publisher's receive buffer is long gone; the queued message must own its property bytes.
        var (resumed, _) = await harness.ConnectAsync("sub", ProtocolVersion.V500, Persistent);
        AssertApplicationProperties(await resumed.ReceiveAsync<PublishPacket>());
    }

    [Fact]
    public async Task Publisher_hop_properties_are_not_forwarded()
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.ConnectAsync("sub", ProtocolVersion.V500);
        await subscriber.SubscribeAsync(1, "t");
        var publisher = await harness.ConnectAsync("pub", ProtocolVersion.V500);
        var publish = Packets.Publish("t", "x");
        publish.Properties.TopicAlias = 1;
        await publisher.SendAsync(publish);

        // The topic alias belongs to the publisher's connection (§3.3.2.3.4); nothing else was set, so nothing arrives.
        var received = await subscriber.ReceiveAsync<PublishPacket>();
        Assert.Equal("t", received.Topic.ToString());
        Assert.True(received.Properties.IsEmpty);
    }

    [Fact]
    public async Task Message_from_a_311_publisher_reaches_a_50_subscriber_without_properties()
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.ConnectAsync("sub", ProtocolVersion.V500);
        await subscriber.SubscribeAsync(1, "t");
        var publisher = await harness.ConnectAsync("pub", ProtocolVersion.V311);
        await publisher.SendAsync(Packets.Publish("t", "old"));

        var received = await subscriber.ReceiveAsync<PublishPacket>();
        Assert.Equal("old", received.PayloadText());
        Assert.True(received.Properties.IsEmpty);
    }

    [Fact]
    public async Task Message_with_properties_reaches_a_311_subscriber_as_a_plain_311_publish()
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.ConnectAsync("sub", ProtocolVersion.V311);
        await subscriber.SubscribeAsync(1, "req/1");
        var publisher = await harness.ConnectAsync("pub", ProtocolVersion.V500);
        await publisher.SendAsync(WithApplicationProperties(Packets.Publish("req/1", "{\"q\":1}")));

        // The 3.1.1 reader rejects anything after the payload it does not expect, so parsing proves the format.
        var received = await subscriber.ReceiveAsync<PublishPacket>();
        Assert.Equal("req/1", received.Topic.ToString());
        Assert.Equal("{\"q\":1}", received.PayloadText());
    }

    private static PublishPacket WithApplicationProperties(PublishPacket publish)
    {
        var properties = publish.Properties;
        properties.PayloadFormatIndicator = 1;
        properties.ContentType = "application/json";
        properties.ResponseTopic = "resp/client-7";
        properties.CorrelationData = Correlation;

        // Order and duplicates of user properties are significant (§3.3.2.3.7).
        properties.UserProperties.Add(new UserProperty("b", "2"));
        properties.UserProperties.Add(new UserProperty("a", "1"));
        properties.UserProperties.Add(new UserProperty("b", "3"));
        properties.UserProperties.Add(new UserProperty("ünïcode", string.Empty));
        return publish;
    }

    private static void AssertApplicationProperties(PublishPacket received)
    {
        var properties = received.Properties;

        // [MQTT-3.3.2-4] payload format indicator, [MQTT-3.3.2-20] content type, [MQTT-3.3.2-15] response topic,
        // [MQTT-3.3.2-16] correlation data: sent unaltered to every subscriber.
        Assert.Equal((byte)1, properties.PayloadFormatIndicator);
        Assert.Equal("application/json", properties.ContentType?.ToString());
        Assert.Equal("resp/client-7", properties.ResponseTopic?.ToString());
        Assert.NotNull(properties.CorrelationData);
        Assert.Equal(Correlation, properties.CorrelationData.Value.ToArray());

        // [MQTT-3.3.2-17] all user properties, [MQTT-3.3.2-18] in their order.
        Assert.Equal(
            [("b", "2"), ("a", "1"), ("b", "3"), ("ünïcode", string.Empty)],
            properties.UserProperties.Select(p => (p.Name.ToString(), p.Value.ToString())));
        Assert.Null(properties.TopicAlias);
        Assert.Null(properties.MessageExpiryInterval);
        Assert.Empty(properties.SubscriptionIdentifiers);
        Assert.Equal("{\"q\":1}", Encoding.UTF8.GetString(received.Payload.ToArray()));
    }
}
