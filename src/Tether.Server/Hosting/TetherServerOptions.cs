using Microsoft.Extensions.Logging;

namespace Tether.Server;

/// <summary>How a <see cref="TetherServer"/> is hosted; what the broker does comes from <see cref="TetherConfiguration"/>.</summary>
public sealed record TetherServerOptions
{
    /// <summary>The defaults.</summary>
    public static TetherServerOptions Default { get; } = new();

    /// <summary>The clock of the broker and of log timestamps; the system clock when null.</summary>
    public TimeProvider? TimeProvider { get; init; }

    /// <summary>
    /// How long a stop waits for clients to be told and connections to end before the rest are closed. A few seconds:
    /// long enough to flush DISCONNECT to every client, short enough for service managers' stop timeouts.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether the process runs as root; null asks the system. For tests of the <c>user</c> option.</summary>
    internal bool? RunningAsRoot { get; init; }

    /// <summary>
    /// Changes logging after the configuration's destinations are set up (e.g. <c>ClearProviders</c> and a test's
    /// own provider). Null keeps the configuration's logging.
    /// </summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; init; }
}
