namespace Tether.Probe.Tests;

/// <summary>Close frame payloads (RFC 6455 §5.5.1, §7.4): what is valid, and how the malformed ones are described.</summary>
public class Close_Frame_Tests
{
    [Fact]
    public void Empty_payload_is_valid_without_a_code()
    {
        var close = WebSocketCloseFrame.Parse([]);
        Assert.Null(close.Code);
        Assert.Null(close.Problem);
        Assert.Equal("no status code", close.Summary());
    }

    [Fact]
    public void Code_and_reason()
    {
        var close = WebSocketCloseFrame.Parse([0x03, 0xE8, (byte)'o', (byte)'k']);
        Assert.Equal(1000, close.Code);
        Assert.Null(close.Problem);
        Assert.Equal("code 1000 normal closure, reason \"ok\"", close.Summary());
    }

    [Fact]
    public void Pahos_ascii_1000_is_named_as_such()
    {
        var close = WebSocketCloseFrame.Parse("1000"u8);
        Assert.Equal(0x3130, close.Code);
        Assert.StartsWith("the ASCII text \"1000\" instead of a 2-byte status code", close.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(999)]
    [InlineData(1004)]
    [InlineData(1005)]
    [InlineData(1006)]
    [InlineData(1015)]
    [InlineData(2999)]
    [InlineData(5000)]
    public void Codes_that_must_not_be_sent_are_malformed(int code)
    {
        var close = WebSocketCloseFrame.Parse([(byte)(code >> 8), (byte)code]);
        Assert.NotNull(close.Problem);
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(1001)]
    [InlineData(1011)]
    [InlineData(3000)]
    [InlineData(4999)]
    public void Valid_codes(int code) => Assert.Null(WebSocketCloseFrame.Parse([(byte)(code >> 8), (byte)code]).Problem);

    [Fact]
    public void One_byte_and_invalid_utf8_are_malformed()
    {
        Assert.NotNull(WebSocketCloseFrame.Parse([0x03]).Problem);
        Assert.Contains("UTF-8", WebSocketCloseFrame.Parse([0x03, 0xE8, 0xFF]).Problem, StringComparison.Ordinal);
    }
}
