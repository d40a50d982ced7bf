using System.Buffers;
using System.Text;
using Tether.Protocol;

namespace Tether.Broker.Tests.Messages;

/// <summary>
/// The shared encoding writes, for every receiver, exactly the bytes the per-receiver path
/// (<see cref="MqttPacketWriter.WritePublish(IBufferWriter{byte}, PublishPacket, ProtocolVersion)"/> of a packet
/// filled as the connection fills it) writes: same flags, packet identifier, topic, properties and payload.
/// </summary>
public sealed class Shared_Encoding_Bytes_Tests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static TheoryData<ProtocolVersion, QualityOfService, bool, bool> Flags()
    {
        var data = new TheoryData<ProtocolVersion, QualityOfService, bool, bool>();
        foreach (var version in new[] { ProtocolVersion.V310, ProtocolVersion.V311, ProtocolVersion.V500 })
        {
            foreach (var qos in new[] { QualityOfService.AtMostOnce, QualityOfService.AtLeastOnce, QualityOfService.ExactlyOnce })
            {
                foreach (var retain in new[] { false, true })
                {
                    foreach (var dup in new[] { false, true })
                    {
                        data.Add(version, qos, retain, dup);
                    }
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Flags))]
    public void Shared_bytes_equal_per_receiver_bytes_without_properties(ProtocolVersion version, QualityOfService qos, bool retain, bool dup)
    {
        var pool = new MessagePool();
        var message = Rent(pool, "sensors/room1/temperature", "21.5", properties: null, expiresAt: null);

        AssertSameBytes(message, version, qos, retain, dup, packetId: 0x1234);
        message.Release();
    }

    [Theory]
    [MemberData(nameof(Flags))]
    public void Shared_bytes_equal_per_receiver_bytes_with_every_forwarded_property_and_expiry(ProtocolVersion version, QualityOfService qos, bool retain, bool dup)
    {
        var pool = new MessagePool();
        var message = Rent(pool, "a/b/c", "payload with properties", EveryForwardedProperty(), Now.AddSeconds(90));

        AssertSameBytes(message, version, qos, retain, dup, packetId: 7);
        message.Release();
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Expiry_is_written_per_receiver_whichever_properties_precede_it(bool payloadFormat, bool userProperties)
    {
        var properties = new MqttProperties { PayloadFormatIndicator = payloadFormat ? (byte)1 : null };
        if (userProperties)
        {
            properties.UserProperties.Add(new UserProperty("k", "v"));
        }

        var pool = new MessagePool();
        var message = Rent(pool, "t", "x", properties, Now.AddSeconds(1000));
        var encoded = message.GetEncoding(PublishEncodingFamily.V5);

        // One encoding, receivers at different times: each sees its own remaining interval [MQTT-3.3.2-6].
        foreach (var elapsed in new[] { 0, 1, 999 })
        {
            var now = Now.AddSeconds(elapsed);
            Assert.Equal(PerReceiver(message, ProtocolVersion.V500, QualityOfService.AtLeastOnce, false, false, 9, now), Shared(encoded, message, QualityOfService.AtLeastOnce, false, false, 9, now));
        }

        message.Release();
    }

    [Theory]
    [InlineData(ProtocolVersion.V311, 2000, 70_000)]
    [InlineData(ProtocolVersion.V500, 2000, 70_000)]
    [InlineData(ProtocolVersion.V500, 10, 200)]
    public void Long_topics_and_payloads_encode_alike(ProtocolVersion version, int topicLength, int payloadLength)
    {
        // A topic above EncodedPublish.KeptBufferLimit takes a rented buffer; a payload this large needs a
        // three-byte remaining length.
        var pool = new MessagePool();
        var message = Rent(pool, new string('t', topicLength), new string('p', payloadLength), EveryForwardedProperty(), Now.AddSeconds(5));

        AssertSameBytes(message, version, QualityOfService.ExactlyOnce, retain: true, dup: false, packetId: 65535);
        message.Release();
    }

    [Fact]
    public void Empty_payload_encodes_alike()
    {
        var pool = new MessagePool();
        var message = Rent(pool, "t", string.Empty, null, null);

        AssertSameBytes(message, ProtocolVersion.V500, QualityOfService.AtMostOnce, retain: true, dup: false, packetId: 0);
        AssertSameBytes(message, ProtocolVersion.V311, QualityOfService.AtMostOnce, retain: true, dup: false, packetId: 0);
        message.Release();
    }

    [Fact]
    public void A_message_that_is_not_pooled_shares_its_encoding_too()
    {
        var message = new ApplicationMessage("$SYS/broker/uptime", Encoding.UTF8.GetBytes("$SYS/broker/uptime"), Encoding.UTF8.GetBytes("12 seconds"),
            QualityOfService.AtMostOnce, retain: true, EveryForwardedProperty(), Now.AddSeconds(30), publisherClientId: null);

        Assert.Same(message.GetEncoding(PublishEncodingFamily.V5), message.GetEncoding(PublishEncodingFamily.V5));
        AssertSameBytes(message, ProtocolVersion.V500, QualityOfService.AtLeastOnce, retain: false, dup: true, packetId: 3);
        AssertSameBytes(message, ProtocolVersion.V311, QualityOfService.AtLeastOnce, retain: false, dup: true, packetId: 3);
    }

    internal static ApplicationMessage Rent(MessagePool pool, string topic, string payload, MqttProperties? properties, DateTimeOffset? expiresAt) =>
        pool.Rent(topic, Encoding.UTF8.GetBytes(topic), new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(payload)), QualityOfService.AtLeastOnce, retain: false, properties, expiresAt, "publisher");

    internal static MqttProperties EveryForwardedProperty()
    {
        var properties = new MqttProperties
        {
            PayloadFormatIndicator = 1,
            ContentType = "application/json",
            ResponseTopic = "replies/for/me",
            CorrelationData = new byte[] { 0, 1, 2, 3, 255 },
        };
        properties.UserProperties.Add(new UserProperty("origin", "unit test"));
        properties.UserProperties.Add(new UserProperty("origin", "repeated name"));
        properties.UserProperties.Add(new UserProperty("ünïcode", "välue"));
        return properties;
    }

    private static void AssertSameBytes(ApplicationMessage message, ProtocolVersion version, QualityOfService qos, bool retain, bool dup, ushort packetId)
    {
        var packetIdOnWire = qos == QualityOfService.AtMostOnce ? (ushort)0 : packetId;
        var encoded = message.GetEncoding(PublishEncodingFamilies.Of(version));
        var expected = PerReceiver(message, version, qos, retain, dup, packetIdOnWire, Now);
        var actual = Shared(encoded, message, qos, retain, dup, packetIdOnWire, Now);

        Assert.Equal(expected, actual);
        Assert.Equal(expected.Length, encoded.GetPacketSize(qos, message.Payload.Length));
    }

    /// <summary>What MqttConnection's per-receiver path writes (see WritePublish and FillOutgoingProperties).</summary>
    private static byte[] PerReceiver(ApplicationMessage message, ProtocolVersion version, QualityOfService qos, bool retain, bool dup, ushort packetId, DateTimeOffset now)
    {
        var publish = new PublishPacket
        {
            QoS = qos,
            Retain = retain,
            Dup = dup,
            PacketId = packetId,
            Topic = new Utf8Text(message.TopicUtf8),
            Payload = new ReadOnlySequence<byte>(message.Payload),
        };
        if (version == ProtocolVersion.V500)
        {
            message.CopyForwardedPropertiesTo(publish.Properties);
            publish.Properties.MessageExpiryInterval = message.RemainingExpirySeconds(now);
        }

        var output = new ArrayBufferWriter<byte>();
        var written = MqttPacketWriter.WritePublish(output, publish, version);
        Assert.Equal(output.WrittenCount, written);
        return output.WrittenSpan.ToArray();
    }

    private static byte[] Shared(EncodedPublish encoded, ApplicationMessage message, QualityOfService qos, bool retain, bool dup, ushort packetId, DateTimeOffset now)
    {
        var output = new ArrayBufferWriter<byte>();
        var written = encoded.WriteTo(output, qos, dup, retain, packetId, message.RemainingExpirySeconds(now) ?? 0, message.Payload.Span);
        Assert.Equal(output.WrittenCount, written);
        return output.WrittenSpan.ToArray();
    }
}
