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

    /// <summary><c>connection_messages</c>: whether client connects and disconnects are logged.</summary>
    public bool ConnectionMessages { get; init; } = true;

    /// <summary>The lowest <see cref="LogLevel"/> that <see cref="Types"/> lets through.</summary>
    public LogLevel MinimumLevel => Types switch
    {
        _ when (Types & MosquittoLogTypes.Debug) != 0 => LogLevel.Trace,
        _ when (Types & (MosquittoLogTypes.Information | MosquittoLogTypes.Notice | MosquittoLogTypes.Subscribe | MosquittoLogTypes.Unsubscribe | MosquittoLogTypes.WebSockets)) != 0 => LogLevel.Information,
        _ when (Types & MosquittoLogTypes.Warning) != 0 => LogLevel.Warning,
        _ when (Types & MosquittoLogTypes.Error) != 0 => LogLevel.Error,
        _ => LogLevel.None,
    };
}
