using System.Globalization;
using System.Text;

namespace Tether.Server;

// Mosquitto prefixes each log line with the Unix time in seconds, or with strftime(log_timestamp_format). This
// translates the strftime conversions people use in log formats; anything unknown is written as it stands.

/// <summary>Formats log timestamps the way Mosquitto does.</summary>
internal static class MosquittoTimestamp
{
    /// <summary>Appends the timestamp of <paramref name="now"/> (local time for strftime formats, like Mosquitto).</summary>
    public static void Append(StringBuilder builder, DateTimeOffset now, string? strftimeFormat)
    {
        if (strftimeFormat is null)
        {
            builder.Append(now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
            return;
        }

        var local = now.ToLocalTime();
        var c = CultureInfo.InvariantCulture;
        for (var i = 0; i < strftimeFormat.Length; i++)
        {
            var ch = strftimeFormat[i];
            if (ch != '%' || i + 1 == strftimeFormat.Length)
            {
                builder.Append(ch);
                continue;
            }

            var spec = strftimeFormat[++i];
            _ = spec switch
            {
                'Y' => builder.Append(local.Year.ToString("D4", c)),
                'y' => builder.Append((local.Year % 100).ToString("D2", c)),
                'm' => builder.Append(local.Month.ToString("D2", c)),
                'd' => builder.Append(local.Day.ToString("D2", c)),
                'e' => builder.Append(local.Day.ToString(c).PadLeft(2)),
                'H' => builder.Append(local.Hour.ToString("D2", c)),
                'I' => builder.Append(((local.Hour + 11) % 12 + 1).ToString("D2", c)),
                'M' => builder.Append(local.Minute.ToString("D2", c)),
                'S' => builder.Append(local.Second.ToString("D2", c)),
                'p' => builder.Append(local.Hour < 12 ? "AM" : "PM"),
                'j' => builder.Append(local.DayOfYear.ToString("D3", c)),
                'F' => builder.Append(local.ToString("yyyy-MM-dd", c)),
                'T' => builder.Append(local.ToString("HH:mm:ss", c)),
                'D' => builder.Append(local.ToString("MM/dd/yy", c)),
                'R' => builder.Append(local.ToString("HH:mm", c)),
                'a' => builder.Append(local.ToString("ddd", c)),
                'A' => builder.Append(local.ToString("dddd", c)),
                'b' or 'h' => builder.Append(local.ToString("MMM", c)),
                'B' => builder.Append(local.ToString("MMMM", c)),
                'z' => builder.Append(local.ToString("zzz", c).Replace(":", "", StringComparison.Ordinal)),
                's' => builder.Append(now.ToUnixTimeSeconds().ToString(c)),
                'n' => builder.Append('\n'),
                't' => builder.Append('\t'),
                '%' => builder.Append('%'),
                _ => builder.Append('%').Append(spec),
            };
        }
    }
}
