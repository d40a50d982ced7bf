using Tether.Broker.Tests.Support;
using Tether.Protocol;

namespace Tether.Broker.Tests.Broker;

/// <summary>
/// What the broker does with clients that break the protocol (3.1.1 §4.8, 5.0 §4.13): 5.0 clients get a
/// DISCONNECT with the reason first, earlier versions are simply disconnected; other clients carry on.
/// </summary>
public sealed class BadInputTests
{
    [Theory]
    [InlineData(new byte[] { 0xC0, 0x00 })] // PINGREQ
    [InlineData(new byte[] { 0x30, 0x04, 0x00, 0x01, (byte)'t', (byte)'x' })] // PUBLISH t QoS 0
    [InlineData(new byte[] { 0x82, 0x06, 0x00, 0x01, 0x00, 0x01, (byte)'t', 0x00 })] // SUBSCRIBE t
    [InlineData(new byte[] { 0xE0, 0x00 })] // DISCONNECT
    public async Task First_packet_other_than_CONNECT_closes_the_connection_without_an_answer(byte[] packet)
    {
        await using var harness = new BrokerHarness();
        var client = harness.Open();
        await client.SendRawAsync(packet);

        // [MQTT-3.1.0-1]: the first packet must be CONNECT; the server closes the connection, sending nothing.
        Assert.Empty(await client.ReceiveUntilClosedAsync());
        await client.BrokerEndedAsync();
        Assert.Equal(0, harness.Broker.SessionCount);
        Assert.Equal(1, harness.Broker.Statistics.Disconnects(DisconnectReason.ProtocolError));
    }

    [Theory]
    [InlineData(ProtocolVersion.V310, null)]
    [InlineData(ProtocolVersion.V311, null)]
    [InlineData(ProtocolVersion.V500, ReasonCode.ProtocolError)]
    public async Task Second_CONNECT_closes_the_connection(ProtocolVersion version, ReasonCode? disconnectReason)
    {
        await using var harness = new BrokerHarness();
        var client = await harness.ConnectAsync("twice", version);
        await client.SendAsync(new ConnectPacket { ClientId = "twice", ProtocolVersion = version });

        // [MQTT-3.1.0-2]: a second CONNECT is a protocol violation; 5.0 says so with DISCONNECT 0x82 first.
        AssertClosedWith(await client.ReceiveUntilClosedAsync(), disconnectReason);
    }

    [Theory]
    [InlineData(ProtocolVersion.V311, null)]
    [InlineData(ProtocolVersion.V500, ReasonCode.MalformedPacket)]
    public async Task Malformed_packet_closes_only_the_offending_connection(ProtocolVersion version, ReasonCode? disconnectReason)
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.ConnectAsync("sub", version);
        await subscriber.SubscribeAsync(1, "t");
        var offender = await harness.ConnectAsync("offender", version);

        // [MQTT-3.3.1-4]: a PUBLISH with both QoS bits set (QoS 3) is malformed.
        await offender.SendRawAsync(0x36, 0x05, 0x00, 0x01, (byte)'t', 0x00, 0x01);
        AssertClosedWith(await offender.ReceiveUntilClosedAsync(), disconnectReason);

        // 5.0 §4.13.1: only the network connection of the sender is closed.
        var publisher = await harness.ConnectAsync("pub", version);
        await publisher.SendAsync(Packets.Publish("t", "still here"));
        Assert.Equal("still here", (await subscriber.ReceiveAsync<PublishPacket>()).PayloadText());
        await subscriber.AssertNothingPendingAsync();
    }

    [Theory]
    [InlineData(ProtocolVersion.V311, "a/+", null)]
    [InlineData(ProtocolVersion.V500, "a/+", ReasonCode.TopicNameInvalid)]
    [InlineData(ProtocolVersion.V500, "a/#", ReasonCode.TopicNameInvalid)]
    public async Task Publish_to_a_topic_with_a_wildcard_is_refused_and_not_delivered(ProtocolVersion version, string topic, ReasonCode? disconnectReason)
    {
        await using var harness = new BrokerHarness();
        var subscriber = await harness.ConnectAsync("sub", version);
        await subscriber.SubscribeAsync(1, "#");
        var publisher = await harness.ConnectAsync("pub", version);

        // [MQTT-3.3.2-2]: the topic name of a PUBLISH must not contain wildcards; 5.0 answers 0x90 (topic name invalid).
        await publisher.SendAsync(Packets.Publish(topic, "x"));
        AssertClosedWith(await publisher.ReceiveUntilClosedAsync(), disconnectReason);
        await subscriber.AssertNothingPendingAsync();
    }

    [Theory]
    [InlineData(ProtocolVersion.V311, null)]
    [InlineData(ProtocolVersion.V500, ReasonCode.PacketTooLarge)]
    public async Task Packet_above_the_maximum_size_is_refused_from_its_fixed_header(ProtocolVersion version, ReasonCode? disconnectReason)
    {
        await using var harness = new BrokerHarness(BrokerOptions.Default with { SysIntervalSeconds = 0, MaxPacketSize = 128 });
        var (client, connAck) = await harness.ConnectAsync(new ConnectPacket { ClientId = "big", ProtocolVersion = version });
        Assert.Equal(ReasonCode.Success, connAck.ReasonCode);
        if (version == ProtocolVersion.V500)
        {
            // §3.2.2.3.6: the broker announces its limit.
            Assert.Equal(128u, connAck.Properties.MaximumPacketSize);
        }

        // Only the fixed header of a PUBLISH declaring 200 bytes: the broker must refuse it without waiting for a
        // body that never comes (§3.2.2.3.6: 5.0 uses DISCONNECT 0x95, packet too large).
        await client.SendRawAsync(0x30, 0xC8, 0x01);
        AssertClosedWith(await client.ReceiveUntilClosedAsync(), disconnectReason);
    }

    [Fact]
    public async Task Unsupported_protocol_level_is_answered_with_a_311_CONNACK_return_code_1()
    {
        await using var harness = new BrokerHarness();
        var client = harness.Open(ProtocolVersion.V311);

        // CONNECT "MQTT" level 6, clean session, keep alive 60, client id "x".
        await client.SendRawAsync(0x10, 0x0D, 0x00, 0x04, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 0x06, 0x02, 0x00, 0x3C, 0x00, 0x01, (byte)'x');

        // [MQTT-3.1.2-2] (3.1.1): CONNACK 0x01 (unacceptable protocol version), then close. The client is read
        // with the 3.1.1 parser, which rejects anything but the 4-byte 3.1.1 CONNACK.
        var packets = await client.ReceiveUntilClosedAsync();
        var connAck = Assert.IsType<ConnAckPacket>(Assert.Single(packets));
        Assert.Equal(ConnectReturnCode.UnacceptableProtocolVersion, connAck.ReasonCode.ToConnectReturnCode());
        Assert.False(connAck.SessionPresent);
    }

    [Fact]
    public async Task Unknown_authentication_method_is_refused_with_0x8C()
    {
        await using var harness = new BrokerHarness();
        var connect = new ConnectPacket { ClientId = "auth", ProtocolVersion = ProtocolVersion.V500 };
        connect.Properties.AuthenticationMethod = "SCRAM-SHA-256";
        var (client, connAck) = await harness.ConnectAsync(connect);

        // 5.0 §4.12: a server that does not support the method may answer CONNACK 0x8C and must close the connection.
        Assert.Equal(ReasonCode.BadAuthenticationMethod, connAck.ReasonCode);
        Assert.False(connAck.SessionPresent);
        Assert.Empty(await client.ReceiveUntilClosedAsync());
        Assert.Equal(0, harness.Broker.SessionCount);
    }

    public static TheoryData<ProtocolVersion, string> ServerOnlyPackets => new()
    {
        { ProtocolVersion.V311, "CONNACK" },
        { ProtocolVersion.V311, "SUBACK" },
        { ProtocolVersion.V500, "CONNACK" },
        { ProtocolVersion.V500, "SUBACK" },
        { ProtocolVersion.V500, "UNSUBACK" },
        { ProtocolVersion.V500, "PINGRESP" },
    };

    [Theory]
    [MemberData(nameof(ServerOnlyPackets))]
    public async Task Packet_only_a_server_sends_is_a_protocol_error(ProtocolVersion version, string kind)
    {
        await using var harness = new BrokerHarness();
        var client = await harness.ConnectAsync("confused", version);
        MqttPacket packet = kind switch
        {
            "CONNACK" => new ConnAckPacket(),
            "SUBACK" => new SubAckPacket { PacketId = 1, ReasonCodes = { ReasonCode.Success } },
            "UNSUBACK" => new UnsubAckPacket { PacketId = 1, ReasonCodes = { ReasonCode.Success } },
            _ => PingRespPacket.Instance,
        };
        await client.SendAsync(packet);

        // 5.0 §4.13.2 / 3.1.1 §4.8: a packet the client must not send is a protocol error; 5.0 gets DISCONNECT 0x82.
        AssertClosedWith(await client.ReceiveUntilClosedAsync(), version == ProtocolVersion.V500 ? ReasonCode.ProtocolError : null);
    }

    /// <summary>3.x: closed without any packet; 5.0: exactly one DISCONNECT with the reason, then closed.</summary>
    private static void AssertClosedWith(List<MqttPacket> packets, ReasonCode? disconnectReason)
    {
        if (disconnectReason is null)
        {
            Assert.Empty(packets);
            return;
        }

        var disconnect = Assert.IsType<DisconnectPacket>(Assert.Single(packets));
        Assert.Equal(disconnectReason, disconnect.ReasonCode);
    }
}
