using System.CommandLine;
using System.Globalization;
using Tether.Cli.Client;
using Tether.Client;
using Tether.Protocol;
using Tether.Server;

namespace Tether;

/// <summary>
/// <c>tether sub</c>: mosquitto_sub's flags, output and exit codes (-C count, -W timeout with exit 27, the CONNACK code
/// when the broker refuses), on Tether's client library: it reconnects and resubscribes by itself.
/// </summary>
internal static class SubCommand
{
    public static Command Create(Stream output, TextWriter error)
    {
        var common = new ClientCommandOptions("sub");
        var topics = new Option<string[]>("--topic", "-t") { Description = "MQTT topic filter to subscribe to; may be repeated.", HelpName = "TOPIC", AllowMultipleArgumentsPerToken = false };
        var filterOut = new Option<string[]>("--filter-out", "-T") { Description = "Topic filter whose messages are not printed; may be repeated.", HelpName = "FILTER" };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Print received messages as \"topic payload\"." };
        var count = new Option<int?>("--count", "-C") { Description = "Disconnect and exit after receiving this many messages.", HelpName = "COUNT" };
        var timeout = new Option<int?>("--timeout", "-W") { Description = "Disconnect and exit (code 27) after this many seconds.", HelpName = "SECONDS" };
        var noEol = new Option<bool>("--no-eol", "-N") { Description = "Do not add an end of line character after the payload." };
        var noRetained = new Option<bool>("--no-retained", "-R") { Description = "Do not print messages with the retain flag set." };
        var exitAfterSubscribe = new Option<bool>("--exit-after-subscribe", "-E") { Description = "Exit once all subscriptions have been acknowledged." };
        var unsubscribe = new Option<string[]>("--unsubscribe", "-U") { Description = "Topic filter to unsubscribe from after subscribing (e.g. one left in a persistent session); may be repeated.", HelpName = "TOPIC" };
        var removeRetained = new Option<bool>("--remove-retained") { Description = "Clear each retained message received (publish an empty retained message to its topic), except those filtered out by -T." };
        var format = new Option<string?>("-F") { Description = "Output format: %t topic, %p payload, %q QoS, %r retain, %l length, %m id, %x/%X hex, %I ISO-8601 time, %U Unix time, %j JSON, %C %D %E %F %P %R %S 5.0 properties, @ strftime letters, \\ escapes (see mosquitto_sub(1)).", HelpName = "FORMAT" };
        var retainedOnly = new Option<bool>("--retained-only") { Description = "Print only retained messages; exit at the first message that is not retained." };
        var command = common.CreateCommand(
            "Subscribe and print received messages, like mosquitto_sub.\n"
            + "Usage: tether sub {[-h host] [-p port] [-u username] [-P password] -t topic ... | -L URL [-t topic ...]} [-C count] [-W timeout] [-v] [-N] [-R]",
            topics, filterOut, verbose, count, timeout, noEol, noRetained, exitAfterSubscribe, retainedOnly, format, unsubscribe, removeRetained);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(common.PrintVersion))
            {
                await output.WriteAsync(System.Text.Encoding.UTF8.GetBytes("tether sub version " + TetherVersion.Current + "\n"), cancellationToken).ConfigureAwait(false);
                return 0;
            }

            var quiet = parse.GetValue(common.Quiet);
            var options = common.Build(parse, out _, out var urlTopic, out var usage);
            var filters = (parse.GetValue(topics) ?? []).ToList();
            if (urlTopic is not null)
            {
                filters.Add(urlTopic);
            }

            var limit = parse.GetValue(count);
            if (usage is null && limit is < 1)
            {
                usage = string.Create(CultureInfo.InvariantCulture, $"Invalid message count \"{limit}\".");
            }
            else if (usage is null && filters.Count == 0)
            {
                usage = "You must specify a topic to subscribe to.";
            }

            OutputFormat? outputFormat = null;
            if (usage is null && parse.GetValue(format) is { } formatText)
            {
                outputFormat = OutputFormat.TryParse(formatText, out usage);
            }

            if (usage is not null || options is null)
            {
                return common.ReportUsage(error, quiet, usage);
            }

            var printer = new MessagePrinter(output, parse.GetValue(verbose), parse.GetValue(noEol), outputFormat);
            if (parse.GetValue(common.Debug))
            {
                options = ClientCommandOptions.WithDebug(options, printer.WriteLine, error, announceSubscriptions: true);
            }

            var settings = new Settings(
                filters,
                (QualityOfService)parse.GetValue(common.QoS),
                parse.GetValue(filterOut) ?? [],
                limit,
                parse.GetValue(timeout),
                parse.GetValue(noRetained),
                parse.GetValue(retainedOnly),
                parse.GetValue(exitAfterSubscribe),
                quiet,
                parse.GetValue(unsubscribe) ?? [],
                parse.GetValue(removeRetained));
            return await RunAsync(options, settings, printer, error, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(MqttClientOptions options, Settings settings, MessagePrinter printer, TextWriter error, CancellationToken cancellationToken)
    {
        var client = new MqttClient(options);
        await using (client.ConfigureAwait(false))
        {
            try
            {
                await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return ConnectErrors.Report(e, error, settings.Quiet, isPub: false);
            }

            // -W counts from the moment the client is connected, as in mosquitto_sub.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (settings.TimeoutSeconds is { } seconds and > 0)
            {
                timeout.CancelAfter(TimeSpan.FromSeconds(seconds));
            }

            try
            {
                var granted = await client.SubscribeAsync([.. settings.Filters.Select(f => new TopicSubscription(f, settings.QoS))], timeout.Token).ConfigureAwait(false);
                if (granted.ReasonCodes.All(static c => c.IsError()))
                {
                    ConnectErrors.Write(error, settings.Quiet, "All subscription requests were denied.");
                    return 1;
                }

                if (settings.Unsubscribe.Count > 0)
                {
                    await client.UnsubscribeAsync(settings.Unsubscribe, timeout.Token).ConfigureAwait(false);
                }

                if (settings.ExitAfterSubscribe)
                {
                    await client.DisconnectAsync(cancellationToken).ConfigureAwait(false);
                    return 0;
                }

                var received = 0;
                var clears = new List<Task>();
                await foreach (var message in client.ReadMessagesAsync(timeout.Token).ConfigureAwait(false))
                {
                    if (settings.RetainedOnly && !message.Retain)
                    {
                        break;
                    }

                    if (settings.FilterOut.Any(f => TopicFilter.Matches(f, message.Topic)))
                    {
                        continue;
                    }

                    if (settings.RemoveRetained && message.Retain && !message.Payload.IsEmpty)
                    {
                        // An empty retained message clears the topic's retained message [MQTT-3.3.1-10]. QoS 1, so the
                        // broker confirms each; awaited together before disconnecting, not one by one while printing.
                        clears.Add(client.PublishAsync(new MqttApplicationMessage(message.Topic, ReadOnlyMemory<byte>.Empty, QualityOfService.AtLeastOnce, retain: true), timeout.Token));
                    }

                    if (settings.NoRetained && message.Retain)
                    {
                        continue;
                    }

                    printer.Print(message);
                    if (settings.Count is { } limit && ++received >= limit)
                    {
                        break;
                    }
                }

                await Task.WhenAll(clears).ConfigureAwait(false);

                await client.DisconnectAsync(cancellationToken).ConfigureAwait(false);
                return 0;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                ConnectErrors.Write(error, settings.Quiet, "Timed out");
                return ConnectErrors.TimedOut;
            }
            catch (MqttClientException e)
            {
                ConnectErrors.Write(error, settings.Quiet, "Error: " + e.Message);
                return 1;
            }
        }
    }

    private sealed record Settings(
        IReadOnlyList<string> Filters,
        QualityOfService QoS,
        IReadOnlyList<string> FilterOut,
        int? Count,
        int? TimeoutSeconds,
        bool NoRetained,
        bool RetainedOnly,
        bool ExitAfterSubscribe,
        bool Quiet,
        IReadOnlyList<string> Unsubscribe,
        bool RemoveRetained);
}
