using System.Globalization;
using System.Text;
using Tether.Client;

namespace Tether.Cli.Client;

/// <summary>
/// mosquitto_sub's <c>-F</c> output format: <c>%</c> message fields (with the optional <c>-</c>/<c>0</c> flags,
/// field width and <c>.max</c> width), <c>@</c> time fields (strftime letters, plus <c>@N</c> for nanoseconds) and
/// <c>\</c> escapes. The format is checked once, with mosquitto_sub's error wording, and then rendered per message.
/// </summary>
internal sealed class OutputFormat
{
    private readonly List<Segment> _segments;

    private OutputFormat(List<Segment> segments) => _segments = segments;

    /// <summary>Parses <paramref name="format"/>; on error returns null and sets <paramref name="error"/> (without "Error: ").</summary>
    public static OutputFormat? TryParse(string format, out string? error)
    {
        error = null;
        var segments = new List<Segment>();
        var literal = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            var ch = format[i];
            if (ch == '\\')
            {
                if (++i >= format.Length)
                {
                    error = "Incomplete escape specifier.";
                    return null;
                }

                char? escaped = format[i] switch
                {
                    '\\' => '\\',
                    '0' => '\0',
                    'a' => '\a',
                    'e' => '\u001b',
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    'v' => '\v',
                    _ => null,
                };
                if (escaped is null)
                {
                    error = $"Invalid escape specifier '{format[i]}'.";
                    return null;
                }

                literal.Append(escaped.Value);
            }
            else if (ch == '@')
            {
                if (++i >= format.Length)
                {
                    error = "Incomplete format specifier.";
                    return null;
                }

                if (format[i] == '@')
                {
                    literal.Append('@');
                    continue;
                }

                Flush(literal, segments);
                segments.Add(new Segment(SegmentKind.Time, format[i], false, false, 0, int.MaxValue, null));
            }
            else if (ch == '%')
            {
                var leftAlign = false;
                var zeroPad = false;
                i++;
                while (i < format.Length && format[i] is '-' or '0')
                {
                    leftAlign |= format[i] == '-';
                    zeroPad |= format[i] == '0';
                    i++;
                }

                var width = ReadNumber(format, ref i);
                var maxWidth = int.MaxValue;
                if (i < format.Length && format[i] == '.')
                {
                    i++;
                    maxWidth = ReadNumber(format, ref i);
                }

                if (i >= format.Length)
                {
                    error = "Incomplete format specifier.";
                    return null;
                }

                var field = format[i];
                if (field == '%')
                {
                    literal.Append('%');
                    continue;
                }

                if ("ACDEFIjJlmpPqRrStUxX".IndexOf(field, StringComparison.Ordinal) < 0)
                {
                    error = $"Invalid format specifier '{field}'.";
                    return null;
                }

                Flush(literal, segments);
                segments.Add(new Segment(SegmentKind.Field, field, leftAlign, zeroPad && !leftAlign, width, maxWidth, null));
            }
            else
            {
                literal.Append(ch);
            }
        }

        Flush(literal, segments);
        return new OutputFormat(segments);
    }

    /// <summary>The bytes for one message; <paramref name="now"/> is the time it is printed.</summary>
    public byte[] Render(MqttApplicationMessage message, DateTimeOffset now)
    {
        using var output = new MemoryStream();
        foreach (var segment in _segments)
        {
            switch (segment.Kind)
            {
                case SegmentKind.Literal:
                    output.Write(Encoding.UTF8.GetBytes(segment.Text!));
                    break;
                case SegmentKind.Time:
                    output.Write(Encoding.UTF8.GetBytes(TimeField(segment.Field, now)));
                    break;
                case SegmentKind.Field when segment.Field is 'p' or 'D':
                    // Raw bytes: not padded or re-encoded.
                    output.Write(segment.Field == 'p' ? message.Payload.Span : (message.CorrelationData ?? default).Span);
                    break;
                default:
                    output.Write(Encoding.UTF8.GetBytes(Pad(segment, MessageField(segment.Field, message, now))));
                    break;
            }
        }

        return output.ToArray();
    }

    private static string MessageField(char field, MqttApplicationMessage message, DateTimeOffset now)
    {
        var c = CultureInfo.InvariantCulture;
        return field switch
        {
            'A' => string.Empty, // The client resolves topic aliases before the message is handed over.
            'C' => message.ContentType ?? string.Empty,
            'E' => message.MessageExpiry is { } expiry ? ((long)expiry.TotalSeconds).ToString(c) : string.Empty,
            'F' => message.PayloadIsUtf8 is { } utf8 ? (utf8 ? "1" : "0") : string.Empty,
            'I' => Iso8601(now),
            'j' => Json(message, now, quotePayload: true),
            'J' => Json(message, now, quotePayload: false),
            'l' => message.Payload.Length.ToString(c),
            'm' => "0", // Packet ids stay inside the client library (mosquitto_sub shows 0 for QoS 0 as well).
            'P' => UserProperties(message),
            'q' => ((int)message.QoS).ToString(c),
            'R' => message.ResponseTopic ?? string.Empty,
            'r' => message.Retain ? "1" : "0",
            'S' => string.Join(',', message.SubscriptionIdentifiers),
            't' => message.Topic,
            'U' => UnixTime(now),
            'x' => Convert.ToHexStringLower(message.Payload.Span),
            'X' => Convert.ToHexString(message.Payload.Span),
            _ => string.Empty,
        };
    }

    private static string Pad(Segment segment, string value)
    {
        if (value.Length > segment.MaxWidth)
        {
            value = value[..segment.MaxWidth];
        }

        if (value.Length >= segment.Width)
        {
            return value;
        }

        return segment.LeftAlign ? value.PadRight(segment.Width)
            : segment.ZeroPad && segment.Field is 'A' or 'E' or 'F' or 'l' or 'm' or 'S' or 'X' or 'x' ? value.PadLeft(segment.Width, '0')
            : value.PadLeft(segment.Width);
    }

    private static string UserProperties(MqttApplicationMessage message)
    {
        var parts = new List<string>(message.UserProperties.Count);
        foreach (var (key, value) in message.UserProperties)
        {
            parts.Add(key + ":" + value);
        }

        return string.Join(' ', parts);
    }

    private static string Json(MqttApplicationMessage message, DateTimeOffset now, bool quotePayload)
    {
        var json = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        json.Append(c, $"{{\"tst\":\"{now.UtcDateTime:yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'ffffff}Z+0000\",\"topic\":{Quote(message.Topic)},\"qos\":{(int)message.QoS},\"retain\":{(message.Retain ? 1 : 0)},\"payloadlen\":{message.Payload.Length}");
        var properties = new List<string>();
        if (message.ContentType is { } contentType)
        {
            properties.Add("\"content-type\":" + Quote(contentType));
        }

        if (message.ResponseTopic is { } responseTopic)
        {
            properties.Add("\"response-topic\":" + Quote(responseTopic));
        }

        if (message.UserProperties.Count > 0)
        {
            var users = new List<string>();
            foreach (var (key, value) in message.UserProperties)
            {
                users.Add(Quote(key) + ":" + Quote(value));
            }

            properties.Add("\"user-properties\":{" + string.Join(',', users) + "}");
        }

        if (properties.Count > 0)
        {
            json.Append(",\"properties\":{").Append(string.Join(',', properties)).Append('}');
        }

        var payload = message.PayloadAsString();
        json.Append(",\"payload\":").Append(quotePayload ? Quote(payload) : payload).Append('}');
        return json.ToString();
    }

    // Relaxed: a quote is written \" and non-ASCII text as it is, as mosquitto_sub does.
    private static readonly System.Text.Json.JsonSerializerOptions JsonText = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text, JsonText);

    private static string Iso8601(DateTimeOffset now) =>
        now.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss", CultureInfo.InvariantCulture) + Offset(now);

    private static string Offset(DateTimeOffset now) =>
        (now.Offset < TimeSpan.Zero ? "-" : "+") + now.Offset.Duration().ToString("hhmm", CultureInfo.InvariantCulture);

    private static string UnixTime(DateTimeOffset now)
    {
        var ticks = now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var seconds = ticks / TimeSpan.TicksPerSecond;
        var nanoseconds = ticks % TimeSpan.TicksPerSecond * 100;
        return string.Create(CultureInfo.InvariantCulture, $"{seconds}.{nanoseconds:D9}");
    }

    /// <summary>The strftime letters operators use; others print as they are.</summary>
    private static string TimeField(char letter, DateTimeOffset now)
    {
        var c = CultureInfo.InvariantCulture;
        return letter switch
        {
            'Y' => now.ToString("yyyy", c),
            'y' => now.ToString("yy", c),
            'm' => now.ToString("MM", c),
            'd' => now.ToString("dd", c),
            'e' => now.Day.ToString(c).PadLeft(2),
            'H' => now.ToString("HH", c),
            'I' => now.ToString("hh", c),
            'M' => now.ToString("mm", c),
            'S' => now.ToString("ss", c),
            'p' => now.Hour < 12 ? "AM" : "PM",
            'j' => now.DayOfYear.ToString("D3", c),
            'a' => now.ToString("ddd", c),
            'A' => now.ToString("dddd", c),
            'b' or 'h' => now.ToString("MMM", c),
            'B' => now.ToString("MMMM", c),
            'F' => now.ToString("yyyy'-'MM'-'dd", c),
            'T' => now.ToString("HH':'mm':'ss", c),
            'D' => now.ToString("MM'/'dd'/'yy", c),
            'R' => now.ToString("HH':'mm", c),
            's' => now.ToUnixTimeSeconds().ToString(c),
            'z' => Offset(now),
            'N' => (now.Ticks % TimeSpan.TicksPerSecond * 100).ToString("D9", c),
            'n' => "\n",
            't' => "\t",
            _ => "%" + letter,
        };
    }

    private static int ReadNumber(string format, ref int i)
    {
        var value = 0;
        while (i < format.Length && char.IsAsciiDigit(format[i]))
        {
            value = Math.Min(value * 10 + (format[i] - '0'), 10_000);
            i++;
        }

        return value;
    }

    private static void Flush(StringBuilder literal, List<Segment> segments)
    {
        if (literal.Length > 0)
        {
            segments.Add(new Segment(SegmentKind.Literal, '\0', false, false, 0, int.MaxValue, literal.ToString()));
            literal.Clear();
        }
    }

    private enum SegmentKind
    {
        Literal,
        Field,
        Time,
    }

    private sealed record Segment(SegmentKind Kind, char Field, bool LeftAlign, bool ZeroPad, int Width, int MaxWidth, string? Text);
}
