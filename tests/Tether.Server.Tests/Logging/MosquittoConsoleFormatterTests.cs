namespace Tether.Server.Tests.Logging;

public class MosquittoConsoleFormatterTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1662725110);

    [Fact]
    public void Line_starts_with_unix_seconds()
    {
        Assert.Equal(
            "1662725110: New client connected from 127.0.0.1:5555 as client1 (p2, c1, k60).\n",
            MosquittoConsoleFormatter.FormatLine(Now, timestamp: true, timestampFormat: null, "New client connected from 127.0.0.1:5555 as client1 (p2, c1, k60).", null));
    }

    [Fact]
    public void Log_timestamp_false_writes_the_message_alone()
    {
        Assert.Equal("hello\n", MosquittoConsoleFormatter.FormatLine(Now, timestamp: false, timestampFormat: null, "hello", null));
    }

    [Fact]
    public void Exception_stays_on_the_line()
    {
        var line = MosquittoConsoleFormatter.FormatLine(Now, timestamp: false, timestampFormat: null, "failed", new InvalidOperationException("boom"));
        Assert.Equal("failed (InvalidOperationException: boom)\n", line);
    }

    [Fact]
    public void Strftime_format_is_applied_in_local_time()
    {
        var local = Now.ToLocalTime();
        var expected = local.ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + ": x\n";
        Assert.Equal(expected, MosquittoConsoleFormatter.FormatLine(Now, timestamp: true, timestampFormat: "%Y-%m-%dT%H:%M:%S", "x", null));
    }

    [Fact]
    public void Strftime_literal_percent_and_unknown_conversions_pass_through()
    {
        Assert.Equal("100% %Q 1662725110: x\n", MosquittoConsoleFormatter.FormatLine(Now, timestamp: true, timestampFormat: "100%% %Q %s", "x", null));
    }
}
