using Microsoft.Extensions.Logging.Console;

namespace Tether.Server;

/// <summary>Options of <see cref="MosquittoConsoleFormatter"/>.</summary>
public sealed class MosquittoConsoleFormatterOptions : ConsoleFormatterOptions
{
    /// <summary><c>log_timestamp</c>: whether lines start with a timestamp.</summary>
    public bool Timestamp { get; set; } = true;

    /// <summary><c>log_timestamp_format</c>: an strftime format; null = seconds since the Unix epoch.</summary>
    public string? StrftimeFormat { get; set; }
}
