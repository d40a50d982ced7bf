using Tether.Bench;

namespace Tether.Bench.Tests;

public class BenchPayloadTests
{
    [Fact]
    public void Header_round_trips()
    {
        var payload = new byte[64];
        BenchPayload.Write(payload, 123_456_789_012, 987_654_321_098, 42);

        Assert.True(BenchPayload.TryRead(payload, out var sequence, out var timestamp, out var publisher));
        Assert.Equal(123_456_789_012, sequence);
        Assert.Equal(987_654_321_098, timestamp);
        Assert.Equal(42, publisher);
    }

    [Fact]
    public void A_payload_shorter_than_the_header_is_not_a_bench_message()
    {
        Assert.False(BenchPayload.TryRead(new byte[BenchPayload.HeaderSize - 1], out _, out _, out _));
    }

    [Theory]
    [InlineData("mqtt://10.0.0.1:1884", "10.0.0.1", 1884, false)]
    [InlineData("mqtt://broker", "broker", 1883, false)]
    [InlineData("tcp://127.0.0.1:1883", "127.0.0.1", 1883, false)]
    [InlineData("ws://127.0.0.1:9001", "127.0.0.1", 9001, true)]
    [InlineData("ws://127.0.0.1:9001/custom", "127.0.0.1", 9001, true)]
    public void Endpoints_are_parsed_from_urls(string url, string host, int port, bool webSocket)
    {
        Assert.True(BenchEndpoint.TryParse(url, out var endpoint, out _));
        Assert.Equal(host, endpoint!.Host);
        Assert.Equal(port, endpoint.Port);
        Assert.Equal(webSocket, endpoint.IsWebSocket);
    }

    [Fact]
    public void A_web_socket_url_without_a_path_gets_slash_mqtt()
    {
        Assert.True(BenchEndpoint.TryParse("ws://127.0.0.1:9001", out var endpoint, out _));
        Assert.Equal("/mqtt", endpoint!.WebSocketUri!.AbsolutePath);
    }

    [Theory]
    [InlineData("http://127.0.0.1")]
    [InlineData("not a url")]
    public void Other_urls_are_refused_with_a_reason(string url)
    {
        Assert.False(BenchEndpoint.TryParse(url, out _, out var error));
        Assert.NotNull(error);
    }
}
