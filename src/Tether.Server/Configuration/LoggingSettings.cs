using Microsoft.Extensions.Logging;

namespace Tether.Server;

/// <summary>The logging options of <c>mosquitto.conf</c>.</summary>
public sealed record LoggingSettings
{
    /// <summary>The defaults: standard error, error/warning/notice/information, Unix timestamps.</summary>
    public static LoggingSettings Default { get; } = new();

    /// <summary><c>log_dest</c>: where lines go; empty = nowhere (<c>log_dest none</c>). Defaults to standard error.</summary>
    public IReadOnlyList<LogDestination> Destinations { get; init; } = [LogDestination.StandardError];

    /// <summary><c>log_type</c>: which messages are logged.</summary>
    public MosquittoLogTypes Types { get; init; } = MosquittoLogTypes.Default;

    /// <summary><c>log_timestamp</c>: whether each line starts with a timestamp.</summary>
    public bool Timestamp { get; init; } = true;

    /// <summary><c>log_timestamp_format</c>: an strftime format for the timestamp; null = seconds since the Unix epoch.</summary>
    public string? TimestampFormat { get; init; }

    /// <summary>
    /// The syslog facility code for <c>log_dest syslog</c>: daemon (3) by default; <c>log_facility N</c> chooses
    /// local<i>N</i> (16 + N), as in Mosquitto.
    /// </summary>
    public int SyslogFacility { get; init; } = SyslogLoggerProvider.DaemonFacility;

    /// <summary><c>connection_messages</c>: whether client connects and disconnects are logged.</summary>
    public bool ConnectionMessages { get; init; } = true;

    /// <summary>
    /// The lowest <see cref="LogLevel"/> that <see cref="Types"/> lets through by level: debug is
    /// <see cref="LogLevel.Debug"/> and below, notice and information <see cref="LogLevel.Information"/>, warning and
    /// error theirs. Subscribe, unsubscribe and websockets lines are chosen by category (see <see cref="MosquittoLogFilter"/>).
    /// </summary>
    public LogLevel MinimumLevel => Types switch
    {
        _ when (Types & MosquittoLogTypes.Debug) != 0 => LogLevel.Trace,
        _ when (Types & (MosquittoLogTypes.Information | MosquittoLogTypes.Notice)) != 0 => LogLevel.Information,
        _ when (Types & MosquittoLogTypes.Warning) != 0 => LogLevel.Warning,
        _ when (Types & MosquittoLogTypes.Error) != 0 => LogLevel.Error,
        _ => LogLevel.None,
    };

    /// <summary>Whether <see cref="Types"/> lets through a line of this level (a set such as <c>debug error</c> has gaps).</summary>
    /// <param name="level">The line's level.</param>
    public bool AllowsLevel(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => (Types & MosquittoLogTypes.Debug) != 0,
        LogLevel.Information => (Types & (MosquittoLogTypes.Information | MosquittoLogTypes.Notice)) != 0,
        LogLevel.Warning => (Types & MosquittoLogTypes.Warning) != 0,
        LogLevel.Error or LogLevel.Critical => (Types & MosquittoLogTypes.Error) != 0,
        _ => false,
    };
}
