namespace Tether.Server;

/// <summary>Where log lines go (<c>log_dest</c>).</summary>
public enum LogDestinationKind
{
    /// <summary><c>stdout</c>.</summary>
    StandardOutput,

    /// <summary><c>stderr</c> (Mosquitto's default).</summary>
    StandardError,

    /// <summary><c>file PATH</c>: appended to.</summary>
    File,

    /// <summary><c>syslog</c>: RFC 3164 datagrams to the local syslog socket (the destination's path, /dev/log).</summary>
    Syslog,

    /// <summary><c>topic</c>: published under <c>$SYS/broker/log/</c>.</summary>
    Topic,
}

/// <summary>One <c>log_dest</c> line.</summary>
/// <param name="Kind">The destination.</param>
/// <param name="Path">The file for <see cref="LogDestinationKind.File"/>, the socket for <see cref="LogDestinationKind.Syslog"/>; null otherwise.</param>
public sealed record LogDestination(LogDestinationKind Kind, string? Path = null)
{
    /// <summary>Standard error, Mosquitto's default.</summary>
    public static LogDestination StandardError { get; } = new(LogDestinationKind.StandardError);

    /// <summary>Standard output.</summary>
    public static LogDestination StandardOutput { get; } = new(LogDestinationKind.StandardOutput);
}
