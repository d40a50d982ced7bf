using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Tether.Protocol;

namespace Tether.Probe;

/// <summary>
/// <c>tether probe URL</c>: holds one connection to any broker and reports every frame and packet it sends, to find out
/// why clients drop (issue 8; the Paho Java / Mosquitto 2.0.11 five-minute drop of docs/DESIGN.md).
/// </summary>
internal static class ProbeCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var url = new Argument<string>("URL")
        {
            Description = "mqtt://host:1883, mqtts://host:8883, ws://host:9001/mqtt or wss://host/mqtt",
        };
        var userName = new Option<string?>("--username", "-u") { Description = "User name to connect with.", HelpName = "USER" };
        var password = new Option<string?>("--password", "-P") { Description = "Password to connect with.", HelpName = "PASSWORD" };
        var topic = new Option<string>("--topic", "-t")
        {
            Description = $"Topic filter to subscribe to (QoS 0) so that the connection carries traffic; \"\" subscribes to nothing. Default {ProbeOptions.DefaultTopic}.",
            HelpName = "FILTER",
            DefaultValueFactory = _ => ProbeOptions.DefaultTopic,
        };
        var clientId = new Option<string?>("--id", "-i") { Description = "Client identifier (default tether-probe-<random>).", HelpName = "ID" };
        var version = new Option<string>("--protocol-version", "-V")
        {
            Description = "MQTT version: 31, 311 or 5 (mqttv31, mqttv311, mqttv5 also accepted).",
            HelpName = "VERSION",
            DefaultValueFactory = _ => "311",
        };
        var keepAlive = new Option<int>("--keepalive", "-k")
        {
            Description = "Keep alive in seconds, sent in CONNECT; a PINGREQ goes out every keep alive. 0 sends none.",
            HelpName = "SECONDS",
            DefaultValueFactory = _ => (int)ProbeOptions.DefaultKeepAlive.TotalSeconds,
        };
        keepAlive.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > ushort.MaxValue)
            {
                result.AddError("--keepalive must be from 0 to 65535 seconds.");
            }
        });
        var duration = new Option<string>("--duration", "-d")
        {
            Description = "How long to hold the connection: seconds, or a number with s, m or h (600, 90s, 10m). The default outlasts Mosquitto's WebSocket PING at 300 s.",
            HelpName = "TIME",
            DefaultValueFactory = _ => "600",
        };
        var profile = new Option<string>("--profile")
        {
            Description = $"How WebSocket frames are judged: {ProbeProfileNames.StrictWebSocket} (like Paho Java ≤ 1.2.5: any frame but BINARY or CLOSE is fatal, PINGs are not answered) or {ProbeProfileNames.Lenient} (answers PING with PONG, accepts every frame). Ignored for mqtt:// and mqtts://.",
            HelpName = "PROFILE",
            DefaultValueFactory = _ => ProbeProfileNames.StrictWebSocket,
        };
        profile.AcceptOnlyFromAmong(ProbeProfileNames.StrictWebSocket, ProbeProfileNames.Lenient);
        var json = new Option<bool>("--json") { Description = "Print one JSON object (verdict, findings, every event) instead of the timeline." };
        var caFile = new Option<string?>("--cafile") { Description = "PEM file of the CA certificates the broker's certificate must chain to (mqtts://, wss://).", HelpName = "FILE" };
        var insecure = new Option<bool>("--insecure") { Description = "Do not check the broker's TLS certificate." };

        var command = new Command("probe", "Hold one connection to a broker (Tether, Mosquitto, any) and report every WebSocket frame and MQTT packet it sends, "
            + "with timestamps, then a timeline and a verdict: why would a client drop here?\n"
            + "Exit codes:\n"
            + "  0  the connection held for the whole duration, no frame fatal for the profile, every PINGREQ answered\n"
            + "  1  the broker sent a frame fatal for the profile, closed the connection, or left a PINGREQ unanswered\n"
            + "  2  usage error, or no connection (refused, TLS, WebSocket upgrade or CONNACK refused)")
        {
            url, userName, password, topic, clientId, version, keepAlive, duration, profile, json, caFile, insecure,
        };

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var target = ProbeTarget.TryParse(parseResult.GetValue(url)!, out var urlError);
            if (target is null)
            {
                return await UsageErrorAsync(error, urlError!).ConfigureAwait(false);
            }

            if (!TryParseVersion(parseResult.GetValue(version)!, out var protocolVersion))
            {
                return await UsageErrorAsync(error, $"unknown protocol version \"{parseResult.GetValue(version)}\"; use 31, 311 or 5").ConfigureAwait(false);
            }

            if (!TryParseDuration(parseResult.GetValue(duration)!, out var holdFor))
            {
                return await UsageErrorAsync(error, $"--duration \"{parseResult.GetValue(duration)}\" is not a time; use seconds (600) or 90s, 10m, 1h").ConfigureAwait(false);
            }

            var caPath = parseResult.GetValue(caFile);
            if (caPath is not null && !File.Exists(caPath))
            {
                return await UsageErrorAsync(error, $"--cafile {caPath}: no such file").ConfigureAwait(false);
            }

            var subscribeTo = parseResult.GetValue(topic);
            var options = new ProbeOptions
            {
                Target = target,
                Profile = parseResult.GetValue(profile) == ProbeProfileNames.Lenient ? ProbeProfile.Lenient : ProbeProfile.StrictWebSocket,
                Duration = holdFor,
                KeepAlive = TimeSpan.FromSeconds(parseResult.GetValue(keepAlive)),
                ProtocolVersion = protocolVersion,
                UserName = parseResult.GetValue(userName),
                Password = parseResult.GetValue(password),
                Topic = string.IsNullOrEmpty(subscribeTo) ? null : subscribeTo,
                CaFile = caPath,
                Insecure = parseResult.GetValue(insecure),
            };
            if (parseResult.GetValue(clientId) is { } id)
            {
                options = options with { ClientId = id };
            }

            return await RunAsync(options, parseResult.GetValue(json), output, error, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(ProbeOptions options, bool json, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        // Ctrl+C ends the run early with a report of what was seen (the process would otherwise die without one).
        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            context.Cancel = true;
            interrupt.Cancel();
        });

        var engine = new ProbeEngine(options);
        using var stopProgress = new CancellationTokenSource();
        var interactive = !Console.IsErrorRedirected && ReferenceEquals(error, Console.Error);
        var progress = new ProbeProgress(error, interactive, engine, options.Duration, TimeProvider.System).RunAsync(stopProgress.Token);
        ProbeResult result;
        try
        {
            result = await engine.RunAsync(interrupt.Token).ConfigureAwait(false);
        }
        finally
        {
            await stopProgress.CancelAsync().ConfigureAwait(false);
            await progress.ConfigureAwait(false);
        }

        if (json)
        {
            await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            using var stdout = Console.OpenStandardOutput();
            if (ReferenceEquals(output, Console.Out))
            {
                ProbeReport.WriteJson(stdout, result);
            }
            else
            {
                using var buffer = new MemoryStream();
                ProbeReport.WriteJson(buffer, result);
                await output.WriteAsync(System.Text.Encoding.UTF8.GetString(buffer.ToArray())).ConfigureAwait(false);
            }
        }
        else
        {
            ProbeReport.WriteText(output, result);
            if (result.Outcome == ProbeOutcome.ConnectFailed)
            {
                await error.WriteLineAsync("Error: " + result.Verdict).ConfigureAwait(false);
            }
        }

        return result.ExitCode;
    }

    /// <summary>
    /// Exit code 2 for a probe command line that does not parse (System.CommandLine's own errors exit 1, which for the
    /// probe means "the broker dropped the connection"); null when the command line is not a probe or parsed.
    /// </summary>
    public static int? UsageErrorExitCode(ParseResult parseResult, TextWriter error)
    {
        if (parseResult.Errors.Count == 0 || parseResult.CommandResult.Command.Name != "probe" || parseResult.Action is not System.CommandLine.Invocation.ParseErrorAction)
        {
            return null;
        }

        foreach (var parseError in parseResult.Errors)
        {
            error.WriteLine("Error: " + parseError.Message);
        }

        error.WriteLine("Usage: tether probe URL [options]; see tether probe --help");
        return (int)ProbeOutcome.ConnectFailed;
    }

    private static async Task<int> UsageErrorAsync(TextWriter error, string message)
    {
        await error.WriteLineAsync("Error: " + message).ConfigureAwait(false);
        return (int)ProbeOutcome.ConnectFailed;
    }

    private static bool TryParseVersion(string text, out ProtocolVersion version)
    {
        version = text.ToLowerInvariant() switch
        {
            "31" or "3.1" or "mqttv31" => ProtocolVersion.V310,
            "311" or "3.1.1" or "mqttv311" => ProtocolVersion.V311,
            "5" or "5.0" or "mqttv5" => ProtocolVersion.V500,
            _ => ProtocolVersion.Unknown,
        };
        return version != ProtocolVersion.Unknown;
    }

    /// <summary>"600", "2.5", "90s", "10m", "1h".</summary>
    internal static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        text = text.Trim();
        var unit = 1.0;
        if (text.Length > 1 && char.IsLetter(text[^1]))
        {
            unit = char.ToLowerInvariant(text[^1]) switch
            {
                's' => 1,
                'm' => 60,
                'h' => 3600,
                _ => double.NaN,
            };
            text = text[..^1];
        }

        if (double.IsNaN(unit) || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value <= 0 || value * unit > TimeSpan.FromDays(7).TotalSeconds)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(value * unit);
        return true;
    }
}
