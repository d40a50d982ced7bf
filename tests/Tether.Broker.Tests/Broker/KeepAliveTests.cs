using Tether.Broker.Tests.Support;
using Tether.Protocol;

namespace Tether.Broker.Tests.Broker;

public sealed class KeepAliveTests
{
    [Fact]
    public async Task Silent_client_is_disconnected_after_one_and_a_half_keep_alives_with_0x8D()
    {
        await using var harness = new BrokerHarness();
        var client = await harness.ConnectAsync("ka", ProtocolVersion.V500, keepAlive: 10);

        harness.Time.Advance(TimeSpan.FromSeconds(14));
        await client.AssertNothingPendingAsync(); // the PINGREQ also resets the silence timer
        harness.Time.Advance(TimeSpan.FromSeconds(14));
        await client.AssertNothingPendingAsync();
        harness.Time.Advance(TimeSpan.FromSeconds(15.5));

        var disconnect = Assert.IsType<DisconnectPacket>(Assert.Single(await client.ReceiveUntilClosedAsync()));
        Assert.Equal(ReasonCode.KeepAliveTimeout, disconnect.ReasonCode);
        await client.BrokerEndedAsync();
        Assert.Equal(1, harness.Broker.Statistics.Disconnects(DisconnectReason.KeepAliveTimeout));
    }

    [Fact]
    public async Task Keep_alive_zero_disables_the_timeout()
    {
        await using var harness = new BrokerHarness();
        var client = await harness.ConnectAsync("ka0", keepAlive: 0);

        harness.Time.Advance(TimeSpan.FromHours(2));

        await client.AssertNothingPendingAsync();
    }

    [Fact]
    public async Task Socket_without_connect_is_closed_after_the_connect_timeout()
    {
        await using var harness = new BrokerHarness();
        var client = harness.Open();

        harness.Time.Advance(TimeSpan.FromSeconds(11));

        Assert.Empty(await client.ReceiveUntilClosedAsync());

        // The client sees the close before the broker has counted the ending; wait for the connection to end.
        await client.BrokerEndedAsync();
        Assert.Equal(1, harness.Broker.Statistics.Disconnects(DisconnectReason.ConnectTimeout));
    }
}
