namespace Tether.Server.Tests.Configuration;

/// <summary><c>clientid_prefixes PREFIX</c> reaches the broker's options; the broker tests show the refusal.</summary>
public sealed class ClientIdPrefixes_Option_Tests
{
    private const string Source = "/etc/mosquitto/mosquitto.conf";

    [Fact]
    public void Clientid_prefixes_sets_the_broker_option_and_the_last_line_wins()
    {
        Assert.Null(MosquittoConfigParser.Parse("", Source).Broker.ClientIdPrefixes);
        Assert.Equal("sensor-", MosquittoConfigParser.Parse("clientid_prefixes sensor-\n", Source).Broker.ClientIdPrefixes);
        Assert.Equal("b-", MosquittoConfigParser.Parse("clientid_prefixes a-\nclientid_prefixes b- # comment\n", Source).Broker.ClientIdPrefixes);
    }

    [Theory]
    [InlineData("clientid_prefixes", "it needs a value")]
    [InlineData("clientid_prefixes a- b-", "unexpected 'b-'")]
    public void Clientid_prefixes_errors_name_the_line(string text, string message)
    {
        var e = Assert.Throws<MosquittoConfigException>(() => MosquittoConfigParser.Parse("\n" + text, Source));
        Assert.Equal(2, e.LineNumber);
        Assert.Equal("clientid_prefixes", e.Option);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }
}
