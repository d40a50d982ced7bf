using System.Globalization;
using System.Text.Json;
using Tether.Protocol;

namespace Tether.Probe;

/// <summary>Prints a <see cref="ProbeResult"/>: a timeline and the verdict for people, or one JSON object for scripts.</summary>
internal static class ProbeReport
{
    public static void WriteText(TextWriter output, ProbeResult result)
    {
        var options = result.Options;
        output.WriteLine(Header(options));
        var hiddenFrames = 0;
        foreach (var e in result.Events)
        {
            // Whole binary frames carry the MQTT packets printed after them; they are in the JSON output.
            if (e is { Layer: ProbeLayer.WebSocket, Name: "BINARY", Problem: null })
            {
                hiddenFrames++;
                continue;
            }

            var arrow = e.Direction switch
            {
                ProbeDirection.Received => "<-",
                ProbeDirection.Sent => "->",
                _ => "--",
            };
            var line = string.Create(CultureInfo.InvariantCulture, $"{e.Seconds,10:0.000} s  {arrow} {LayerName(e.Layer),-9} {e.Name}");
            if (e.Detail.Length > 0)
            {
                line += "  " + e.Detail;
            }

            output.WriteLine(line);
            if (e.Problem is { } problem && !e.Detail.Contains(problem, StringComparison.Ordinal))
            {
                output.WriteLine("               !! " + problem);
            }
        }

        if (hiddenFrames > 0)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"               ({hiddenFrames} whole BINARY frames carried the MQTT packets received; --json lists them)"));
        }

        output.WriteLine();
        output.WriteLine("Verdict: " + result.Verdict);
        foreach (var finding in result.Findings)
        {
            if (!result.Verdict.Contains(finding.Message, StringComparison.Ordinal))
            {
                output.WriteLine("  also: " + finding.Message);
            }
        }

        if (result.Outcome != ProbeOutcome.ConnectFailed)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Held {result.HeldSeconds:0.0} s of {options.Duration.TotalSeconds:0.#} s; {result.PingsAnswered} of {result.PingsSent} PINGREQ answered. Exit code {result.ExitCode}."));
        }
        else
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Exit code {result.ExitCode}."));
        }
    }

    public static void WriteJson(Stream output, ProbeResult result)
    {
        var options = result.Options;
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("url", options.Target.Url);
        json.WriteString("transport", Transport(options.Target));
        json.WriteString("profile", ProbeProfileNames.Name(options.Profile));
        json.WriteString("protocolVersion", Version(options.ProtocolVersion));
        json.WriteString("clientId", options.ClientId);
        json.WriteNumber("keepAliveSeconds", options.KeepAlive.TotalSeconds);
        json.WriteNumber("durationSeconds", options.Duration.TotalSeconds);
        json.WriteString("outcome", result.Outcome switch
        {
            ProbeOutcome.Held => "held",
            ProbeOutcome.Problem => "problem",
            _ => "connect-failed",
        });
        json.WriteNumber("exitCode", result.ExitCode);
        json.WriteString("verdict", result.Verdict);
        json.WriteNumber("heldSeconds", Math.Round(result.HeldSeconds, 3));
        json.WriteNumber("pingsSent", result.PingsSent);
        json.WriteNumber("pingsAnswered", result.PingsAnswered);
        json.WriteStartArray("findings");
        foreach (var finding in result.Findings)
        {
            json.WriteStartObject();
            json.WriteNumber("seconds", Math.Round(finding.Seconds, 3));
            json.WriteString("kind", Kebab(finding.Kind.ToString()));
            json.WriteBoolean("failure", finding.IsFailure);
            json.WriteString("message", finding.Message);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("events");
        foreach (var e in result.Events)
        {
            json.WriteStartObject();
            json.WriteNumber("seconds", Math.Round(e.Seconds, 3));
            json.WriteString("direction", e.Direction.ToString().ToLowerInvariant());
            json.WriteString("layer", LayerName(e.Layer));
            json.WriteString("name", e.Name);
            json.WriteString("detail", e.Detail);
            if (e.Problem is not null)
            {
                json.WriteString("problem", e.Problem);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        output.WriteByte((byte)'\n');
    }

    private static string Header(ProbeOptions options)
    {
        var profile = options.Target.UseWebSocket ? $"profile {ProbeProfileNames.Name(options.Profile)}, " : string.Empty;
        return string.Create(CultureInfo.InvariantCulture,
            $"tether probe {options.Target.Url} ({profile}MQTT {Version(options.ProtocolVersion)}, keep alive {options.KeepAlive.TotalSeconds:0} s, duration {options.Duration.TotalSeconds:0.#} s)");
    }

    private static string Transport(ProbeTarget target) => (target.UseWebSocket, target.UseTls) switch
    {
        (true, true) => "wss",
        (true, false) => "ws",
        (false, true) => "mqtts",
        _ => "mqtt",
    };

    public static string Version(ProtocolVersion version) => version switch
    {
        ProtocolVersion.V310 => "3.1",
        ProtocolVersion.V500 => "5.0",
        _ => "3.1.1",
    };

    private static string LayerName(ProbeLayer layer) => layer switch
    {
        ProbeLayer.Tcp => "tcp",
        ProbeLayer.Tls => "tls",
        ProbeLayer.WebSocket => "websocket",
        _ => "mqtt",
    };

    private static string Kebab(string pascal)
    {
        var text = new System.Text.StringBuilder();
        foreach (var c in pascal)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append('-');
            }

            text.Append(char.ToLowerInvariant(c));
        }

        return text.ToString();
    }
}
