using System.CommandLine;
using System.Text;
using Tether.Cli.Client;
using Tether.Client;
using Tether.Protocol;
using Tether.Server;

namespace Tether;

/// <summary>
/// <c>tether pub</c>: mosquitto_pub's flags, messages and exit codes (0, 1, or the CONNACK code when the broker
/// refuses), on Tether's client library, plus ws:// and wss:// URLs.
/// </summary>
internal static class PubCommand
{
    public static Command Create(TextWriter output, TextWriter error, Stream input)
    {
        var common = new ClientCommandOptions("pub");
        var topic = new Option<string?>("--topic", "-t") { Description = "MQTT topic to publish to.", HelpName = "TOPIC" };
        var message = new Option<string?>("--message", "-m") { Description = "Message payload to send.", HelpName = "MESSAGE" };
        var file = new Option<string?>("--file", "-f") { Description = "Send the contents of a file as the message.", HelpName = "FILE" };
        var lines = new Option<bool>("--stdin-line", "-l") { Description = "Read messages from stdin, sending a separate message for each line." };
        var wholeInput = new Option<bool>("--stdin-file", "-s") { Description = "Read the message from stdin, sending the entire input as a message." };
        var nullMessage = new Option<bool>("--null-message", "-n") { Description = "Send a null (zero length) message." };
        var retain = new Option<bool>("--retain", "-r") { Description = "Message should be retained." };
        var maxInflight = new Option<int>("--max-inflight", "-M") { Description = "The maximum inflight messages for QoS 1/2. Defaults to 20.", DefaultValueFactory = _ => 20, HelpName = "N" };
        var repeatDelay = new Option<double>("--repeat-delay") { Description = "With --repeat: wait this many seconds (fractions allowed) between publishes.", HelpName = "SECONDS" };
        var repeat = new Option<int>("--repeat") { Description = "With -f, -m or -s: publish the message N times.", DefaultValueFactory = _ => 1, HelpName = "N" };
        var command = common.CreateCommand(
            "Publish one message, a file, or stdin line by line, like mosquitto_pub.\n"
            + "Usage: tether pub {[-h host] [-p port] [-u username] [-P password] -t topic | -L URL} {-f file | -l | -n | -m message | -s} [-q qos] [-r]",
            topic, message, file, lines, wholeInput, nullMessage, retain, repeat, repeatDelay, maxInflight);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(common.PrintVersion))
            {
                await output.WriteLineAsync("tether pub version " + TetherVersion.Current).ConfigureAwait(false);
                return 0;
            }

            var quiet = parse.GetValue(common.Quiet);
            var options = common.Build(parse, out var properties, out var urlTopic, out var usage);
            var topicName = parse.GetValue(topic) ?? urlTopic;
            var sources = new[] { parse.GetValue(message) is not null, parse.GetValue(file) is not null, parse.GetValue(lines), parse.GetValue(wholeInput), parse.GetValue(nullMessage) }.Count(static b => b);
            if (usage is null && sources > 1)
            {
                usage = "Only one type of message can be sent at once.";
            }
            else if (usage is null && (topicName is null || sources == 0))
            {
                usage = "Both topic and message must be supplied.";
            }
            else if (usage is null && (topicName!.Contains('+', StringComparison.Ordinal) || topicName.Contains('#', StringComparison.Ordinal)))
            {
                usage = $"Invalid publish topic '{topicName}', does it contain '+' or '#'?";
            }

            else if (usage is null && parse.GetValue(repeatDelay) is < 0 or double.NaN)
            {
                usage = "--repeat-delay argument must be >=0.0.";
            }

            if (usage is not null || options is null)
            {
                return common.ReportUsage(error, quiet, usage);
            }

            if (parse.GetValue(common.Debug))
            {
                var gate = new Lock();
                options = ClientCommandOptions.WithDebug(
                    options,
                    line =>
                    {
                        lock (gate)
                        {
                            output.WriteLine(line);
                            output.Flush();
                        }
                    },
                    error,
                    announceSubscriptions: false);
            }

            var qos = (QualityOfService)parse.GetValue(common.QoS);
            var retained = parse.GetValue(retain);
            var lineMode = parse.GetValue(lines);

            // One message: like mosquitto_pub, fail rather than wait for a broker that went away. Line mode keeps going.
            options = options with { Reconnect = options.Reconnect with { Enabled = lineMode }, MaxInflight = Math.Max(1, parse.GetValue(maxInflight)) };
            byte[] payload;
            try
            {
                payload = parse.GetValue(message) is { } text ? Encoding.UTF8.GetBytes(text)
                    : parse.GetValue(file) is { } path ? await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false)
                    : parse.GetValue(wholeInput) ? await ReadAllAsync(input, cancellationToken).ConfigureAwait(false)
                    : [];
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                ConnectErrors.Write(error, quiet, $"Error: Unable to read file \"{parse.GetValue(file)}\": {e.Message}");
                return 1;
            }

            var client = new MqttClient(options);
            await using (client.ConfigureAwait(false))
            {
                try
                {
                    await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    return ConnectErrors.Report(e, error, quiet, isPub: true);
                }

                try
                {
                    var template = properties.ApplyTo(new MqttApplicationMessage(topicName!, payload, qos, retained));
                    if (lineMode)
                    {
                        await PublishLinesAsync(client, input, template, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        var delay = TimeSpan.FromSeconds(parse.GetValue(repeatDelay));
                        var times = Math.Max(1, parse.GetValue(repeat));
                        for (var i = 0; i < times; i++)
                        {
                            if (i > 0 && delay > TimeSpan.Zero)
                            {
                                // Operator-requested pacing between repeats, as mosquitto_pub's --repeat-delay.
                                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                            }

                            await client.PublishAsync(template, cancellationToken).ConfigureAwait(false);
                        }
                    }

                    await client.DisconnectAsync(cancellationToken).ConfigureAwait(false);
                    return 0;
                }
                catch (MqttClientException e)
                {
                    ConnectErrors.Write(error, quiet, "Error: " + e.Message);
                    return 1;
                }
            }
        });
        return command;
    }

    private static async Task<byte[]> ReadAllAsync(Stream input, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await input.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    /// <summary>
    /// -l: one message per line of stdin, without its line ending. Publishes are not awaited one by one (the client
    /// batches them and fills its in-flight window); only the oldest is awaited once too many are outstanding.
    /// </summary>
    private static async Task PublishLinesAsync(MqttClient client, Stream input, MqttApplicationMessage template, CancellationToken cancellationToken)
    {
        // Bounded: at most this many publishes outstanding (the client's own queue bounds memory as well).
        const int MaxOutstanding = 4096;
        using var reader = new StreamReader(input, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        var pending = new Queue<Task>();
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            pending.Enqueue(client.PublishAsync(template with { Payload = Encoding.UTF8.GetBytes(line) }, cancellationToken));
            if (pending.Count >= MaxOutstanding)
            {
                await pending.Dequeue().ConfigureAwait(false);
            }
        }

        await Task.WhenAll(pending).ConfigureAwait(false);
    }
}
