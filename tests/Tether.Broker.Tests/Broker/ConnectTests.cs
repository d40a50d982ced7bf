using Tether.Broker.Tests.Support;
using Tether.Protocol;

namespace Tether.Broker.Tests.Broker;

/// <summary>CONNECT handling (§3.1, §3.2 of both versions) with Mosquitto's options: client ids, keep alive, limits, anonymous access.</summary>
public sealed class ConnectTests
{
    [Fact]
    public async Task Empty_client_id_with_clean_session_is_accepted_in_311()
    {
        await using var harness = new BrokerHarness();

        // [MQTT-3.1.3-6]: a server may accept a zero-byte client id and assign one (allow_zero_length_clientid).
        var (client, connAck) = await harness.ConnectAsync(new ConnectPacket { ClientId = string.Empty, ProtocolVersion = ProtocolVersion.V311, CleanSession = true });
        Assert.Equal(ReasonCode.Success, connAck.ReasonCode);
        Assert.Equal(1, harness.Broker.SessionCount);
        await client.AssertNothingPendingAsync();
    }

    [Theory]
    [InlineData(ProtocolVersion.V311, false)] // [MQTT-3.1.3-8]: zero-byte id with clean session 0.
    [InlineData(ProtocolVersion.V310, true)] // 3.1 §3.1: the client id must be 1 to 23 characters.
    [InlineData(ProtocolVersion.V310, false)]
    public async Task Empty_client_id_is_rejected_with_identifier_rejected(ProtocolVersion version, bool cleanSession)
    {
        await using var harness = new BrokerHarness();
        var (client, connAck) = await harness.ConnectAsync(new ConnectPacket { ClientId = string.Empty, ProtocolVersion = version, CleanSession = cleanSession });

        // [MQTT-3.1.3-9]: CONNACK return code 0x02 (identifier rejected), then close;
        // [MQTT-3.2.2-4] (3.1.1): session present 0 with a non-zero return code.
        Assert.Equal(ConnectReturnCode.IdentifierRejected, connAck.ReasonCode.ToConnectReturnCode());
        Assert.False(connAck.SessionPresent);
        Assert.Empty(await client.ReceiveUntilClosedAsync());
        Assert.Equal(0, harness.Broker.SessionCount);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Empty_client_id_in_50_gets_an_assigned_identifier(bool cleanStart)
    {
        await using var harness = new BrokerHarness();
        var (first, firstAck) = await harness.ConnectAsync("", ProtocolVersion.V500, c => c.CleanSession = cleanStart);
        var (_, secondAck) = await harness.ConnectAsync("", ProtocolVersion.V500, c => c.CleanSession = cleanStart);

        // [MQTT-3.2.2-16]: the CONNACK carries the assigned client identifier; Mosquitto prefixes it with auto_id_prefix.
        var assigned = firstAck.Properties.AssignedClientIdentifier?.ToString();
        Assert.NotNull(assigned);
        Assert.StartsWith("auto-", assigned, StringComparison.Ordinal);
        Assert.True(assigned.Length > "auto-".Length);

        // [MQTT-3.1.3-6]: unique per client.
        Assert.NotEqual(assigned, secondAck.Properties.AssignedClientIdentifier?.ToString());
        Assert.Equal(2, harness.Broker.SessionCount);
        await first.AssertNothingPendingAsync();
    }

    [Fact]
    public async Task Client_chosen_id_gets_no_assigned_identifier()
    {
        await using var harness = new BrokerHarness();
        var (_, connAck) = await harness.ConnectAsync("mine", ProtocolVersion.V500, _ => { });
        Assert.Null(connAck.Properties.AssignedClientIdentifier);
    }

    [Fact]
    public async Task Empty_client_id_in_50_is_refused_with_0x85_when_zero_length_ids_are_not_allowed()
    {
        await using var harness = new BrokerHarness(BrokerOptions.Default with { SysIntervalSeconds = 0, AllowZeroLengthClientId = false });
        var (client, connAck) = await harness.ConnectAsync(new ConnectPacket { ClientId = string.Empty, ProtocolVersion = ProtocolVersion.V500 });

        // [MQTT-3.1.3-8] (5.0): a server that refuses the client id answers 0x85 (client identifier not valid) and closes.
        Assert.Equal(ReasonCode.ClientIdentifierNotValid, connAck.ReasonCode);
        Assert.Null(connAck.Properties.AssignedClientIdentifier);
        Assert.Empty(await client.ReceiveUntilClosedAsync());
    }

    [Theory]
    [InlineData(ProtocolVersion.V310)]
    [InlineData(ProtocolVersion.V311)]
    public async Task Keep_alive_above_max_keepalive_is_refused_in_3x(ProtocolVersion version)
    {
        await using var harness = new BrokerHarness(BrokerOptions.Default with { SysIntervalSeconds = 0, MaxKeepAliveSeconds = 60 });

        // Mosquitto's max_keepalive: 3.x cannot be told another keep alive, so it is refused with "identifier rejected".
        var (refused, connAck) = await harness.ConnectAsync(new ConnectPacket { ClientId = "slow", ProtocolVersion = version, KeepAliveSeconds = 61 });
        Assert.Equal(ConnectReturnCode.IdentifierRejected, connAck.ReasonCode.ToConnectReturnCode());
        Assert.Empty(await refused.ReceiveUntilClosedAsync());

        // At the limit is fine.
        await harness.ConnectAsync("ok", version, keepAlive: 60);
    }

    [Theory]
    [InlineData((ushort)120, (ushort)60)]
    [InlineData((ushort)0, (ushort)60)] // Mosquitto also imposes max_keepalive on a client asking for none.
    [InlineData((ushort)30, null)]
    [InlineData((ushort)60, null)]
    public async Task Keep_alive_above_max_keepalive_is_lowered_with_server_keep_alive_in_50(ushort requested, ushort? imposed)
    {
        await using var harness = new BrokerHarness(BrokerOptions.Default with { SysIntervalSeconds = 0, MaxKeepAliveSeconds = 60 });
        var (_, connAck) = await harness.ConnectAsync("c", ProtocolVersion.V500, c => c.KeepAliveSeconds = requested);

        // §3.2.2.3.14: the server keep alive in CONNACK replaces the client's [MQTT-3.2.2-21]; absent, the client's holds [MQTT-3.2.2-22].
        Assert.Equal(imposed, connAck.Properties.ServerKeepAlive);
    }

    [Fact]
    public async Task Server_keep_alive_is_the_one_enforced()
    {
        await using var harness = new BrokerHarness(BrokerOptions.Default with { SysIntervalSeconds = 0, MaxKeepAliveSeconds = 60 });
        var (client, connAck) = await harness.ConnectAsync("c", ProtocolVersion.V500, c => c.KeepAliveSeconds = 120);
        Assert.Equal((ushort)60, connAck.Properties.ServerKeepAlive);

        // [MQTT-3.1.2-22]: silence beyond 1.5 times the keep alive in force (60 s, not the requested 120 s) ends
        // the connection. 89 s is still within it; the PINGREQ resets the count.
        harness.Time.Advance(TimeSpan.FromSeconds(89));
        await client.AssertNothingPendingAsync();
        harness.Time.Advance(TimeSpan.FromSeconds(91));
        var disconnect = Assert.IsType<DisconnectPacket>(Assert.Single(await client.ReceiveUntilClosedAsync()));
        Assert.Equal(ReasonCode.KeepAliveTimeout, disconnect.ReasonCode);
    }

    [Fact]
    public async Task Connack_announces_receive_maximum_and_topic_alias_maximum_in_50_only()
    {
        await using var harness = new BrokerHarness(BrokerOptions.Default with { SysIntervalSeconds = 0, MaxInflightMessages = 5, MaxTopicAlias = 3 });
        var (_, connAck) = await harness.ConnectAsync("v5", ProtocolVersion.V500, _ => { });

        // §3.2.2.3.3 receive maximum (max_inflight_messages), §3.2.2.3.8 topic alias maximum (max_topic_alias).
        Assert.Equal((ushort)5, connAck.Properties.ReceiveMaximum);
        Assert.Equal((ushort)3, connAck.Properties.TopicAliasMaximum);

        // Defaults that are the protocol's own (QoS 2, retain available, no limit on packet size) are left out.
        Assert.Null(connAck.Properties.MaximumQoS);
        Assert.Null(connAck.Properties.RetainAvailable);
        Assert.Null(connAck.Properties.MaximumPacketSize);
    }

    [Fact]
    public async Task Connack_announces_mosquittos_default_limits()
    {
        await using var harness = new BrokerHarness();
        var (_, connAck) = await harness.ConnectAsync("v5", ProtocolVersion.V500, _ => { });
        Assert.Equal((ushort)20, connAck.Properties.ReceiveMaximum);
        Assert.Equal((ushort)10, connAck.Properties.TopicAliasMaximum);
    }

    [Theory]
    [InlineData(ProtocolVersion.V310)]
    [InlineData(ProtocolVersion.V311)]
    [InlineData(ProtocolVersion.V500)]
    public async Task Anonymous_client_is_refused_when_allow_anonymous_is_false(ProtocolVersion version)
    {
        await using var harness = new BrokerHarness(BrokerOptions.Default with { SysIntervalSeconds = 0, AllowAnonymous = false });
        var (anonymous, connAck) = await harness.ConnectAsync(new ConnectPacket { ClientId = "anon", ProtocolVersion = version });

        // 3.x: return code 5 (not authorized); 5.0: 0x87 (not authorized). Then the connection is closed.
        Assert.Equal(ReasonCode.NotAuthorized, connAck.ReasonCode);
        Assert.Equal(ConnectReturnCode.NotAuthorized, connAck.ReasonCode.ToConnectReturnCode());
        Assert.Empty(await anonymous.ReceiveUntilClosedAsync());

        // A client with a user name gets in (no password file configured).
        var (named, namedAck) = await harness.ConnectAsync(new ConnectPacket { ClientId = "named", ProtocolVersion = version, UserName = "alice" });
        Assert.Equal(ReasonCode.Success, namedAck.ReasonCode);
        await named.AssertNothingPendingAsync();
    }
}
