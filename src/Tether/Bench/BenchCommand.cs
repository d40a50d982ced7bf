using System.CommandLine;
using System.Globalization;
using System.Net.Sockets;
using System.Net.WebSockets;
using Tether.Protocol;

namespace Tether.Bench;

/// <summary>
/// <c>tether bench</c>: a load generator for any MQTT broker. It reports sent and received messages per second,
/// end-to-end latency percentiles and lost, duplicated and reordered messages (or, for <c>conn</c>, the connect
/// rate and the broker's memory per idle connection).
/// </summary>
internal static class BenchCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var scenario = new Option<string>("--scenario", "-s")
        {
            Description = "pairs (publisher i → subscriber i), fanin (publishers → 1 wildcard subscriber), fanout (1 publisher → subscribers) or conn (idle connections).",
            DefaultValueFactory = _ => "pairs",
            HelpName = "SCENARIO",
        };
        scenario.AcceptOnlyFromAmong("pairs", "fanin", "fanout", "conn");
        var url = new Option<string?>("--url") { Description = "The broker: mqtt://HOST:PORT (TCP) or ws://HOST:PORT/PATH (WebSocket). Default mqtt://127.0.0.1:1883.", HelpName = "URL" };
        var host = new Option<string?>("--host", "-h") { Description = "The broker's host over TCP (instead of --url).", HelpName = "HOST" };
        var port = new Option<int?>("--port", "-p") { Description = "The broker's TCP port (instead of --url).", HelpName = "PORT" };
        var version = new Option<int>("-V") { Description = "MQTT version: 311 or 5.", DefaultValueFactory = _ => 311, HelpName = "VERSION" };
        version.AcceptOnlyFromAmong("311", "5");
        var qos = new Option<int>("--qos", "-q") { Description = "QoS of the messages and subscriptions: 0 or 1.", DefaultValueFactory = _ => 0 };
        qos.AcceptOnlyFromAmong("0", "1");
        var size = new Option<int>("--size") { Description = "Payload bytes per message (at least 20: sequence, timestamp, publisher).", DefaultValueFactory = _ => 64 };
        var rate = new Option<int>("--rate") { Description = "Messages per second per publisher; 0 (default) sends as fast as credit allows.", DefaultValueFactory = _ => 0 };
        var duration = new Option<double>("--duration", "-d") { Description = "Seconds measured (conn: seconds the connections are held).", DefaultValueFactory = _ => 10 };
        var warmup = new Option<double>("--warmup") { Description = "Seconds of load before the measurement starts.", DefaultValueFactory = _ => 2 };
        var drain = new Option<double>("--drain") { Description = "Seconds to wait, after the publishers stop, for messages still on their way.", DefaultValueFactory = _ => 3 };
        var pairs = new Option<int>("--pairs") { Description = "pairs: number of publisher/subscriber pairs.", DefaultValueFactory = _ => 10 };
        var publishers = new Option<int>("--publishers") { Description = "fanin: number of publishers.", DefaultValueFactory = _ => 100 };
        var subscribers = new Option<int>("--subscribers") { Description = "fanout: number of subscribers.", DefaultValueFactory = _ => 100 };
        var connections = new Option<int>("--connections", "-n") { Description = "conn: number of connections.", DefaultValueFactory = _ => 1000 };
        var inflight = new Option<int>("--inflight") { Description = "QoS 1: PUBLISH per publisher awaiting PUBACK.", DefaultValueFactory = _ => 20 };
        var window = new Option<int>("--window") { Description = "Messages in flight towards one subscriber (sent, not yet received); fanin shares it among the publishers.", DefaultValueFactory = _ => 1000 };
        var brokerPid = new Option<int>("--broker-pid") { Description = "The broker's process id: report its CPU and resident memory (Linux /proc).", HelpName = "PID" };
        var json = new Option<bool>("--json") { Description = "Write the results as JSON on standard output (the table is not written)." };
        var quiet = new Option<bool>("--quiet") { Description = "No progress line on standard error." };
        foreach (var positive in new[] { size, pairs, publishers, subscribers, connections, inflight, window })
        {
            positive.Validators.Add(result =>
            {
                if (result.GetValueOrDefault<int>() < 1)
                {
                    result.AddError($"{result.Option.Name} must be at least 1.");
                }
            });
        }

        var command = new Command("bench", "Load-test an MQTT broker: throughput, end-to-end latency, loss, duplicates and reordering; or idle connections.")
        {
            scenario, url, host, port, version, qos, size, rate, duration, warmup, drain, pairs, publishers, subscribers, connections,
            inflight, window, brokerPid, json, quiet,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            string? problem = null;
            BenchEndpoint? endpoint;
            if (parseResult.GetValue(url) is { } text)
            {
                _ = BenchEndpoint.TryParse(text, out endpoint, out problem);
            }
            else
            {
                endpoint = new BenchEndpoint(parseResult.GetValue(host) ?? "127.0.0.1", parseResult.GetValue(port) ?? 1883, null);
            }

            if (parseResult.GetValue(size) < BenchPayload.HeaderSize)
            {
                problem = string.Create(CultureInfo.InvariantCulture, $"--size must be at least {BenchPayload.HeaderSize} bytes (the header of each message).");
            }

            if (problem is not null || endpoint is null)
            {
                await error.WriteLineAsync("Error: " + problem).ConfigureAwait(false);
                return 1;
            }

            var options = new BenchOptions
            {
                Scenario = parseResult.GetValue(scenario) switch
                {
                    "fanin" => BenchScenario.FanIn,
                    "fanout" => BenchScenario.FanOut,
                    "conn" => BenchScenario.Conn,
                    _ => BenchScenario.Pairs,
                },
                Endpoint = endpoint,
                Version = parseResult.GetValue(version) == 5 ? ProtocolVersion.V500 : ProtocolVersion.V311,
                QoS = (QualityOfService)parseResult.GetValue(qos),
                Size = parseResult.GetValue(size),
                Rate = Math.Max(0, parseResult.GetValue(rate)),
                Duration = TimeSpan.FromSeconds(parseResult.GetValue(duration)),
                Warmup = TimeSpan.FromSeconds(parseResult.GetValue(warmup)),
                Drain = TimeSpan.FromSeconds(parseResult.GetValue(drain)),
                Pairs = parseResult.GetValue(pairs),
                Publishers = parseResult.GetValue(publishers),
                Subscribers = parseResult.GetValue(subscribers),
                Connections = parseResult.GetValue(connections),
                Inflight = parseResult.GetValue(inflight),
                Window = parseResult.GetValue(window),
                BrokerPid = parseResult.GetValue(brokerPid),
                Json = parseResult.GetValue(json),
                Progress = !parseResult.GetValue(quiet),
            };
            return await RunAsync(options, output, error, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    internal static async Task<int> RunAsync(BenchOptions options, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        try
        {
            if (options.Scenario == BenchScenario.Conn)
            {
                WarnAboutFileLimit(options.Connections, error);
                var report = await ConnRunner.RunAsync(options, error, cancellationToken).ConfigureAwait(false);
                if (options.Json)
                {
                    await WriteJsonAsync(output, stream => BenchReportWriter.WriteJson(stream, report)).ConfigureAwait(false);
                }
                else
                {
                    BenchReportWriter.WriteTable(output, report);
                }

                return report.Failed == 0 ? 0 : 2;
            }
            else
            {
                var report = await BenchRunner.RunAsync(options, error, cancellationToken).ConfigureAwait(false);
                if (options.Json)
                {
                    await WriteJsonAsync(output, stream => BenchReportWriter.WriteJson(stream, report)).ConfigureAwait(false);
                }
                else
                {
                    BenchReportWriter.WriteTable(output, report);
                }

                return 0;
            }
        }
        catch (Exception e) when (e is BenchException or SocketException or IOException or WebSocketException)
        {
            await error.WriteLineAsync("Error: " + e.Message).ConfigureAwait(false);
            return 1;
        }
    }

    private static async Task WriteJsonAsync(TextWriter output, Action<Stream> write)
    {
        using var buffer = new MemoryStream();
        write(buffer);
        buffer.WriteByte((byte)'\n');
        await output.WriteAsync(System.Text.Encoding.UTF8.GetString(buffer.ToArray())).ConfigureAwait(false);
        await output.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>Each connection is a file descriptor; say so up front when the soft limit (ulimit -n) is too low.</summary>
    private static void WarnAboutFileLimit(int connections, TextWriter error)
    {
        if (FileLimit.TryRaiseToHardLimit(out var soft) && soft < connections + 64)
        {
            error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Warning: this process may open {soft} files; {connections} connections need more (ulimit -n)."));
        }
    }
}
