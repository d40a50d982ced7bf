using System.Globalization;
using System.Text.Json;
using Tether.Protocol;

namespace Tether.Bench;

/// <summary>Writes a run's figures as a table for people or as one JSON object for scripts (<c>--json</c>).</summary>
internal static class BenchReportWriter
{
    public static void WriteTable(TextWriter output, BenchReport report)
    {
        var o = report.Options;
        var rows = new List<(string, string)>
        {
            ("scenario", Describe(o, report)),
            ("broker", o.Endpoint.ToString()),
            ("duration", F($"{o.Duration.TotalSeconds:0.#} s measured after {o.Warmup.TotalSeconds:0.#} s warm-up")),
            ("sent", F($"{report.SentPerSecond:N0} msg/s")),
            ("received", F($"{report.ReceivedPerSecond:N0} msg/s")),
            ("latency p50", F($"{report.LatencyP50:N0} µs")),
            ("latency p99", F($"{report.LatencyP99:N0} µs")),
            ("latency p99.9", F($"{report.LatencyP999:N0} µs")),
            ("latency max", F($"{report.LatencyMax:N0} µs ({report.LatencySamples:N0} samples)")),
            ("expected", F($"{report.Expected:N0}")),
            ("received (distinct)", F($"{report.Received:N0}")),
            ("lost", F($"{report.Lost:N0}")),
            ("duplicated", F($"{report.Duplicates:N0}")),
            ("reordered", F($"{report.Reordered:N0}")),
            ("tool CPU", F($"{report.ToolCpu:0.00} cores; GC gen0/1/2 {report.ToolGcCounts[0]}/{report.ToolGcCounts[1]}/{report.ToolGcCounts[2]}")),
        };
        if (report.Foreign > 0)
        {
            rows.Add(("foreign messages", F($"{report.Foreign:N0}")));
        }

        if (report.BrokerCpu is { } cpu)
        {
            rows.Add(("broker CPU", F($"{cpu:0.00} cores")));
        }

        if (report.BrokerGcCounts is { } gc)
        {
            rows.Add(("broker GC", F($"gen0/1/2 {gc[0]}/{gc[1]}/{gc[2]} during the measurement")));
        }

        if (report.BrokerRss is { } rss)
        {
            rows.Add(("broker RSS", F($"{rss / 1048576.0:N1} MiB")));
        }

        WriteRows(output, rows);
    }

    public static void WriteTable(TextWriter output, ConnReport report)
    {
        var rows = new List<(string, string)>
        {
            ("scenario", F($"conn: {report.Options.Connections:N0} idle connections, MQTT {VersionName(report.Options.Version)}")),
            ("broker", report.Options.Endpoint.ToString()),
            ("opened", F($"{report.Opened:N0}")),
            ("failed", F($"{report.Failed:N0}{(report.FirstError is null ? string.Empty : " (first: " + report.FirstError + ")")}")),
            ("connect rate", F($"{report.ConnectsPerSecond:N0} conn/s")),
        };
        if (report.BrokerRssBefore is { } before && report.BrokerRssAfter is { } after)
        {
            rows.Add(("broker RSS", F($"{before / 1048576.0:N1} MiB before, {after / 1048576.0:N1} MiB with the connections open")));
            rows.Add(("per connection", F($"{report.BytesPerConnection:N0} bytes")));
        }

        WriteRows(output, rows);
    }

    public static void WriteJson(Stream output, BenchReport report)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        WriteOptions(json, report.Options);
        json.WriteNumber("publishers", report.PublisherCount);
        json.WriteNumber("subscribers", report.SubscriberCount);
        json.WriteNumber("sentPerSecond", Math.Round(report.SentPerSecond, 1));
        json.WriteNumber("receivedPerSecond", Math.Round(report.ReceivedPerSecond, 1));
        json.WriteStartObject("latencyMicroseconds");
        json.WriteNumber("p50", Math.Round(report.LatencyP50, 1));
        json.WriteNumber("p99", Math.Round(report.LatencyP99, 1));
        json.WriteNumber("p999", Math.Round(report.LatencyP999, 1));
        json.WriteNumber("max", Math.Round(report.LatencyMax, 1));
        json.WriteNumber("samples", report.LatencySamples);
        json.WriteEndObject();
        json.WriteNumber("expected", report.Expected);
        json.WriteNumber("received", report.Received);
        json.WriteNumber("lost", report.Lost);
        json.WriteNumber("duplicates", report.Duplicates);
        json.WriteNumber("reordered", report.Reordered);
        json.WriteNumber("foreign", report.Foreign);
        json.WriteNumber("toolCpuCores", Math.Round(report.ToolCpu, 3));
        WriteCounts(json, "toolGcCounts", report.ToolGcCounts);
        WriteNullable(json, "brokerCpuCores", report.BrokerCpu is { } cpu ? Math.Round(cpu, 3) : null);
        WriteNullable(json, "brokerRssBytes", report.BrokerRss);
        if (report.BrokerGcCounts is { } gc)
        {
            WriteCounts(json, "brokerGcCounts", gc);
        }

        json.WriteEndObject();
    }

    public static void WriteJson(Stream output, ConnReport report)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        WriteOptions(json, report.Options);
        json.WriteNumber("opened", report.Opened);
        json.WriteNumber("failed", report.Failed);
        if (report.FirstError is { } error)
        {
            json.WriteString("firstError", error);
        }

        json.WriteNumber("connectsPerSecond", Math.Round(report.ConnectsPerSecond, 1));
        WriteNullable(json, "brokerRssBeforeBytes", report.BrokerRssBefore);
        WriteNullable(json, "brokerRssAfterBytes", report.BrokerRssAfter);
        WriteNullable(json, "bytesPerConnection", report.BytesPerConnection is { } b ? Math.Round(b, 1) : null);
        json.WriteEndObject();
    }

    private static void WriteOptions(Utf8JsonWriter json, BenchOptions o)
    {
        json.WriteString("scenario", o.Scenario.ToString().ToLowerInvariant());
        json.WriteString("broker", o.Endpoint.ToString());
        json.WriteString("mqttVersion", VersionName(o.Version));
        json.WriteNumber("qos", (int)o.QoS);
        json.WriteNumber("size", o.Size);
        json.WriteNumber("rate", o.Rate);
        json.WriteNumber("durationSeconds", o.Duration.TotalSeconds);
        json.WriteNumber("warmupSeconds", o.Warmup.TotalSeconds);
    }

    private static void WriteCounts(Utf8JsonWriter json, string name, int[] counts)
    {
        json.WriteStartArray(name);
        foreach (var count in counts)
        {
            json.WriteNumberValue(count);
        }

        json.WriteEndArray();
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static string Describe(BenchOptions o, BenchReport report)
    {
        var shape = o.Scenario switch
        {
            BenchScenario.Pairs => F($"pairs: {report.PublisherCount} publishers → {report.SubscriberCount} subscribers, one topic each"),
            BenchScenario.FanIn => F($"fanin: {report.PublisherCount} publishers → 1 subscriber (wildcard)"),
            _ => F($"fanout: 1 publisher → {report.SubscriberCount} subscribers"),
        };
        var rate = o.Rate > 0 ? F($"{o.Rate:N0} msg/s per publisher") : "unlimited rate";
        return F($"{shape}; QoS {(int)o.QoS}, {o.Size} B, {rate}, MQTT {VersionName(o.Version)}");
    }

    private static string VersionName(ProtocolVersion version) => version == ProtocolVersion.V500 ? "5.0" : "3.1.1";

    private static void WriteRows(TextWriter output, List<(string Name, string Value)> rows)
    {
        var width = 0;
        foreach (var (name, _) in rows)
        {
            width = Math.Max(width, name.Length);
        }

        foreach (var (name, value) in rows)
        {
            output.WriteLine(name.PadRight(width) + "  " + value);
        }
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
