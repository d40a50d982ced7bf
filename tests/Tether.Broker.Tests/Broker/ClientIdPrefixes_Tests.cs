using Tether.Broker.Tests.Support;
using Tether.Protocol;

namespace Tether.Broker.Tests.Broker;

/// <summary><c>clientid_prefixes</c>: only client ids with the prefix may connect; Mosquitto answers "not authorised".</summary>
public sealed class ClientIdPrefixes_Tests
{
    [Theory]
    [InlineData(ProtocolVersion.V310)]
    [InlineData(ProtocolVersion.V311)]
    [InlineData(ProtocolVersion.V500)]
    public async Task Client_id_without_the_prefix_is_refused_as_not_authorised(ProtocolVersion version)
    {
        await using var harness = new BrokerHarness(BrokerOptions.Default with { SysIntervalSeconds = 0, ClientIdPrefixes = "sensor-" });
        var (refused, connAck) = await harness.ConnectAsync(new ConnectPacket { ClientId = "Sensor-1", ProtocolVersion = version });

        // 3.x: return code 5; 5.0: 0x87 — not 2 / 0x85 (identifier rejected), because that is what Mosquitto sends.
        Assert.Equal(ReasonCode.NotAuthorized, connAck.ReasonCode);
        Assert.Equal(ConnectReturnCode.NotAuthorized, connAck.ReasonCode.ToConnectReturnCode());
        Assert.Empty(await refused.ReceiveUntilClosedAsync());

        var (accepted, acceptedAck) = await harness.ConnectAsync(new ConnectPacket { ClientId = "sensor-1", ProtocolVersion = version });
        Assert.Equal(ReasonCode.Success, acceptedAck.ReasonCode);
        await accepted.AssertNothingPendingAsync();
    }

    [Fact]
    public async Task An_assigned_client_id_must_have_the_prefix_too()
    {
        // Mosquitto checks the prefix after assigning an id to an empty one, so auto_id_prefix must match it.
        await using var harness = new BrokerHarness(BrokerOptions.Default with { SysIntervalSeconds = 0, ClientIdPrefixes = "sensor-" });
        var (_, refusedAck) = await harness.ConnectAsync(new ConnectPacket { ClientId = string.Empty, ProtocolVersion = ProtocolVersion.V500 });
        Assert.Equal(ReasonCode.NotAuthorized, refusedAck.ReasonCode);

        await using var matching = new BrokerHarness(BrokerOptions.Default with { SysIntervalSeconds = 0, ClientIdPrefixes = "sensor-", AutoIdPrefix = "sensor-auto-" });
        var (_, acceptedAck) = await matching.ConnectAsync(new ConnectPacket { ClientId = string.Empty, ProtocolVersion = ProtocolVersion.V500 });
        Assert.Equal(ReasonCode.Success, acceptedAck.ReasonCode);
        Assert.StartsWith("sensor-auto-", acceptedAck.Properties.AssignedClientIdentifier?.ToString(), StringComparison.Ordinal);
    }
}
