using System.Net.Sockets;
using System.Text;
using Tether.Server.Tests.Hosting;

namespace Tether.Server.Tests.Configuration;

/// <summary><c>websockets_headers_size</c> limits a WebSocket listener's HTTP headers; <c>websockets_log_level</c> is accepted with a warning.</summary>
public sealed class WebSockets_Options_Tests
{
    private const string Source = "/etc/mosquitto/mosquitto.conf";

    [Fact]
    public void Websockets_log_level_is_accepted_with_a_warning_that_it_has_no_effect()
    {
        var config = MosquittoConfigParser.Parse("\nwebsockets_log_level 255\n", Source);

        Assert.Equal(255, config.WebSocketsLogLevel);
        var warning = Assert.Single(config.Warnings);
        Assert.Contains($"'websockets_log_level' on line 2 of {Source}", warning, StringComparison.Ordinal);
        Assert.Contains("no effect", warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("websockets_log_level all", "Invalid value 'all'")]
    [InlineData("websockets_headers_size -1", "Invalid value '-1'")]
    [InlineData("websockets_headers_size 65536", "from 0 (default) to 65535")]
    [InlineData("websockets_headers_size", "it needs a value")]
    public void Invalid_values_name_the_line(string text, string message)
    {
        var e = Assert.Throws<MosquittoConfigException>(() => MosquittoConfigParser.Parse("\n" + text, Source));
        Assert.Equal(2, e.LineNumber);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Websockets_headers_size_refuses_larger_http_headers_with_431()
    {
        var limited = MosquittoConfigParser.Parse("websockets_headers_size 1024\n", Source);
        Assert.Equal(1024, limited.WebSocketsHeadersSize);

        // 2000 bytes of cookie: over the configured 1024, well under Kestrel's default 32 KB.
        var cookie = new string('c', 2000);
        Assert.StartsWith("HTTP/1.1 431", await StatusLineAsync(limited, cookie), StringComparison.Ordinal);
        Assert.DoesNotContain("431", await StatusLineAsync(TetherConfiguration.Default, cookie), StringComparison.Ordinal);
    }

    private static async Task<string> StatusLineAsync(TetherConfiguration configuration, string cookie)
    {
        var webSocketListener = new ListenerOptions { Port = 0, BindAddress = "127.0.0.1", Protocol = ListenerProtocol.WebSockets };
        await using var server = await TestServers.StartAsync(configuration with { DefaultListener = null, Listeners = [webSocketListener] });
        using var socket = await TestServers.ConnectRawAsync(server.EndPoint());
        var request = "GET /mqtt HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
            + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: mqtt\r\n"
            + $"Cookie: {cookie}\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None).WaitAsync(TestServers.Timeout);
        var response = new StringBuilder();
        var buffer = new byte[1024];
        while (!response.ToString().Contains("\r\n", StringComparison.Ordinal))
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(TestServers.Timeout);
            if (read == 0)
            {
                break;
            }

            response.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        var text = response.ToString();
        var end = text.IndexOf("\r\n", StringComparison.Ordinal);
        return end < 0 ? text : text[..end];
    }
}
