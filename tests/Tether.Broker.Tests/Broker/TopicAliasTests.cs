using Tether.Broker.Tests.Support;
using Tether.Protocol;

namespace Tether.Broker.Tests.Broker;

/// <summary>5.0 topic aliases (§3.3.2.3.4) in both directions; each direction and each connection has its own mapping.</summary>
public sealed class TopicAliasTests
{
    [Fact]
    public async Task Client_defines_an_alias_and_then_publishes_with_it_alone()
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.ConnectAsync("sub", ProtocolVersion.V500);
        await subscriber.SubscribeAsync(1, "sensors/#");
        var (publisher, connAck) = await harness.ConnectAsync("pub", ProtocolVersion.V500, _ => { });

        // §3.2.2.3.8: the broker announces how many aliases it accepts (max_topic_alias, 10 by default).
        Assert.Equal((ushort)10, connAck.Properties.TopicAliasMaximum);

        await publisher.SendAsync(WithAlias(Packets.Publish("sensors/kitchen", "1"), 10));
        await publisher.SendAsync(WithAlias(Packets.Publish(string.Empty, "2"), 10));

        // [MQTT-3.3.2-12]: every alias from 1 to the announced maximum is accepted; the subscriber sees the
        // real topic and no alias, because aliases belong to one hop.
        foreach (var payload in new[] { "1", "2" })
        {
            var received = await subscriber.ReceiveAsync<PublishPacket>();
            Assert.Equal("sensors/kitchen", received.Topic.ToString());
            Assert.Equal(payload, received.PayloadText());
            Assert.Null(received.Properties.TopicAlias);
        }
    }

    [Fact]
    public async Task Client_can_redefine_an_alias()
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.ConnectAsync("sub", ProtocolVersion.V500);
        await subscriber.SubscribeAsync(1, "#");
        var publisher = await harness.ConnectAsync("pub", ProtocolVersion.V500);
        await publisher.SendAsync(WithAlias(Packets.Publish("first", "1"), 1));
        await publisher.SendAsync(WithAlias(Packets.Publish("second", "2"), 1));
        await publisher.SendAsync(WithAlias(Packets.Publish(string.Empty, "3"), 1));

        // §3.3.2.3.4: a PUBLISH with a topic and an alias replaces the alias' mapping.
        Assert.Equal("first", (await subscriber.ReceiveAsync<PublishPacket>()).Topic.ToString());
        Assert.Equal("second", (await subscriber.ReceiveAsync<PublishPacket>()).Topic.ToString());
        Assert.Equal("second", (await subscriber.ReceiveAsync<PublishPacket>()).Topic.ToString());
    }

    [Fact]
    public async Task Alias_above_the_announced_maximum_is_answered_with_DISCONNECT_0x94()
    {
        await using var harness = new BrokerHarness(BrokerOptions.Default with { SysIntervalSeconds = 0, MaxTopicAlias = 3 });
        var (publisher, connAck) = await harness.ConnectAsync("pub", ProtocolVersion.V500, _ => { });
        Assert.Equal((ushort)3, connAck.Properties.TopicAliasMaximum);

        // [MQTT-3.3.2-9]: an alias above the maximum in CONNACK is a protocol error, reason 0x94 (topic alias invalid).
        await publisher.SendAsync(WithAlias(Packets.Publish("t", "x"), 4));
        var disconnect = Assert.IsType<DisconnectPacket>(Assert.Single(await publisher.ReceiveUntilClosedAsync()));
        Assert.Equal(ReasonCode.TopicAliasInvalid, disconnect.ReasonCode);
    }

    [Fact]
    public async Task Any_alias_is_invalid_when_the_broker_accepts_none()
    {
        await using var harness = new BrokerHarness(BrokerOptions.Default with { SysIntervalSeconds = 0, MaxTopicAlias = 0 });
        var (publisher, connAck) = await harness.ConnectAsync("pub", ProtocolVersion.V500, _ => { });

        // §3.2.2.3.8: an absent topic alias maximum means 0: the client may not use aliases at all.
        Assert.Null(connAck.Properties.TopicAliasMaximum);
        await publisher.SendAsync(WithAlias(Packets.Publish("t", "x"), 1));
        var disconnect = Assert.IsType<DisconnectPacket>(Assert.Single(await publisher.ReceiveUntilClosedAsync()));
        Assert.Equal(ReasonCode.TopicAliasInvalid, disconnect.ReasonCode);
    }

    [Fact]
    public async Task Unknown_alias_is_a_protocol_error()
    {
        await using var harness = new BrokerHarness();
        var publisher = await harness.ConnectAsync("pub", ProtocolVersion.V500);

        // §3.3.2.3.4: an empty topic with an alias that has no mapping is a protocol error (0x82).
        await publisher.SendAsync(WithAlias(Packets.Publish(string.Empty, "x"), 2));
        var disconnect = Assert.IsType<DisconnectPacket>(Assert.Single(await publisher.ReceiveUntilClosedAsync()));
        Assert.Equal(ReasonCode.ProtocolError, disconnect.ReasonCode);
    }

    [Fact]
    public async Task Aliases_do_not_survive_a_reconnect()
    {
        await using var harness = new BrokerHarness();
        var (first, _) = await harness.ConnectAsync("pub", ProtocolVersion.V500, c =>
        {
            c.CleanSession = false;
            c.Properties.SessionExpiryInterval = 300;
        });
        await first.SendAsync(WithAlias(Packets.Publish("t", "x"), 1));
        await first.SendAsync(new DisconnectPacket());
        await first.BrokerEndedAsync();

        // [MQTT-3.3.2-7]: alias mappings are not carried from one network connection to the next, even with the session.
        var (second, connAck) = await harness.ConnectAsync("pub", ProtocolVersion.V500, c =>
        {
            c.CleanSession = false;
            c.Properties.SessionExpiryInterval = 300;
        });
        Assert.True(connAck.SessionPresent);
        await second.SendAsync(WithAlias(Packets.Publish(string.Empty, "y"), 1));
        var disconnect = Assert.IsType<DisconnectPacket>(Assert.Single(await second.ReceiveUntilClosedAsync()));
        Assert.Equal(ReasonCode.ProtocolError, disconnect.ReasonCode);
    }

    [Fact]
    public async Task Broker_sends_topic_and_alias_first_then_alias_alone_up_to_the_clients_maximum()
    {
        await using var harness = new BrokerHarness();
        var (subscriber, _) = await harness.ConnectAsync("sub", ProtocolVersion.V500, c => c.Properties.TopicAliasMaximum = 2);
        await subscriber.SubscribeAsync(1, "#");
        var publisher = await harness.ConnectAsync("pub", ProtocolVersion.V500);
        foreach (var topic in new[] { "a", "a", "b", "c", "b", "c" })
        {
            await publisher.SendAsync(Packets.Publish(topic, topic));
        }

        // §3.3.2.3.4: the first PUBLISH of a topic carries topic and alias, later ones an empty topic and the alias;
        // [MQTT-3.1.2-26]: never an alias above the client's topic alias maximum, so the third topic goes in full.
        var expected = new (string Topic, ushort? Alias)[] { ("a", 1), (string.Empty, 1), ("b", 2), ("c", null), (string.Empty, 2), ("c", null) };
        foreach (var (topic, alias) in expected)
        {
            var received = await subscriber.ReceiveAsync<PublishPacket>();
            Assert.Equal(topic, received.Topic.ToString());
            Assert.Equal(alias, received.Properties.TopicAlias);
        }
    }

    [Fact]
    public async Task Broker_sends_no_alias_to_a_client_that_announced_none()
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.ConnectAsync("sub", ProtocolVersion.V500);
        await subscriber.SubscribeAsync(1, "t");
        var publisher = await harness.ConnectAsync("pub", ProtocolVersion.V500);
        await publisher.SendAsync(Packets.Publish("t", "1"));
        await publisher.SendAsync(Packets.Publish("t", "2"));

        // [MQTT-3.1.2-27]: no topic alias maximum in CONNECT, no aliases from the server.
        for (var i = 0; i < 2; i++)
        {
            var received = await subscriber.ReceiveAsync<PublishPacket>();
            Assert.Equal("t", received.Topic.ToString());
            Assert.Null(received.Properties.TopicAlias);
        }
    }

    [Fact]
    public async Task Alias_is_not_assumed_known_when_the_publish_that_would_define_it_was_dropped()
    {
        await using var harness = new BrokerHarness();
        var (subscriber, _) = await harness.ConnectAsync("sub", ProtocolVersion.V500, c =>
        {
            c.Properties.TopicAliasMaximum = 5;
            c.Properties.MaximumPacketSize = 64;
        });
        await subscriber.SubscribeAsync(1, "t");
        var publisher = await harness.ConnectAsync("pub", ProtocolVersion.V500);
        await publisher.SendAsync(Packets.Publish("t", new string('x', 100)));
        await publisher.SendAsync(Packets.Publish("t", "small"));

        // [MQTT-3.1.2-25]: the first message is too large for the client and is discarded, so the client never
        // learnt the alias; the next PUBLISH must define it again with the topic, or the client cannot resolve it.
        var received = await subscriber.ReceiveAsync<PublishPacket>();
        Assert.Equal("small", received.PayloadText());
        Assert.Equal("t", received.Topic.ToString());
        Assert.Equal((ushort?)1, received.Properties.TopicAlias);
    }

    private static PublishPacket WithAlias(PublishPacket publish, ushort alias)
    {
        publish.Properties.TopicAlias = alias;
        return publish;
    }
}
