namespace Tether.Probe.Tests;

/// <summary>URLs and durations as an operator types them.</summary>
public class Probe_Arguments_Tests
{
    [Theory]
    [InlineData("mqtt://broker", "broker", 1883, false, false, "/")]
    [InlineData("mqtts://broker", "broker", 8883, true, false, "/")]
    [InlineData("ws://127.0.0.1:9001/mqtt", "127.0.0.1", 9001, false, true, "/mqtt")]
    [InlineData("wss://broker/mqtt?x=1", "broker", 443, true, true, "/mqtt?x=1")]
    [InlineData("ws://[::1]:9001/", "::1", 9001, false, true, "/")]
    public void Urls(string url, string host, int port, bool tls, bool webSocket, string path)
    {
        var target = ProbeTarget.TryParse(url, out var error);
        Assert.Null(error);
        Assert.Equal(new ProbeTarget(url, host, port, tls, webSocket, path), target);
    }

    [Theory]
    [InlineData("http://broker")]
    [InlineData("broker:1883")]
    [InlineData("not a url")]
    public void Unusable_urls_say_what_to_use(string url)
    {
        Assert.Null(ProbeTarget.TryParse(url, out var error));
        Assert.Contains("mqtt://", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("600", 600)]
    [InlineData("2.5", 2.5)]
    [InlineData("90s", 90)]
    [InlineData("10m", 600)]
    [InlineData("1h", 3600)]
    public void Durations(string text, double seconds)
    {
        Assert.True(ProbeCommand.TryParseDuration(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("5x")]
    [InlineData("ten")]
    [InlineData("30d")]
    public void Bad_durations(string text) => Assert.False(ProbeCommand.TryParseDuration(text, out _));
}
