using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Tether.Server;

/// <summary>
/// Writes log lines in Mosquitto's format, <c>1662725110: New client connected from 127.0.0.1:5555 as client1 (p2, c1, k60).</c>,
/// so tools that read Mosquitto's logs read Tether's.
/// </summary>
public sealed class MosquittoConsoleFormatter : ConsoleFormatter
{
    /// <summary>The formatter's name, for <c>AddConsole(o => o.FormatterName = ...)</c>.</summary>
    public const string FormatterName = "mosquitto";

    private readonly IOptionsMonitor<MosquittoConsoleFormatterOptions> _options;
    private readonly TimeProvider _time;

    /// <summary>Creates the formatter.</summary>
    /// <param name="options">Timestamp options.</param>
    /// <param name="time">The clock for timestamps.</param>
    public MosquittoConsoleFormatter(IOptionsMonitor<MosquittoConsoleFormatterOptions> options, TimeProvider time)
        : base(FormatterName)
    {
        _options = options;
        _time = time;
    }

    /// <inheritdoc />
    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        ArgumentNullException.ThrowIfNull(textWriter);
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }

        var options = _options.CurrentValue;
        textWriter.Write(FormatLine(_time.GetUtcNow(), options.Timestamp, options.StrftimeFormat, message, logEntry.Exception));
    }

    /// <summary>Formats one line (with its newline), as written to the console and to a log file.</summary>
    internal static string FormatLine(DateTimeOffset now, bool timestamp, string? timestampFormat, string? message, Exception? exception)
    {
        var builder = new StringBuilder(128);
        if (timestamp)
        {
            MosquittoTimestamp.Append(builder, now, timestampFormat);
            builder.Append(": ");
        }

        builder.Append(message);
        if (exception is not null)
        {
            // Mosquitto has no stack traces; keep the exception on the same line so one event stays one line.
            builder.Append(message is { Length: > 0 } ? " (" : "(").Append(exception.GetType().Name).Append(": ").Append(exception.Message).Append(')');
        }

        builder.Append('\n');
        return builder.ToString();
    }
}
