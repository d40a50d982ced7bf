using Microsoft.Extensions.Logging;

namespace Tether.Server;

/// <summary>The server's log lines, worded like Mosquitto's. Event ids 1000-1099.</summary>
internal static partial class ServerLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "tether version {Version} starting")]
    public static partial void Starting(ILogger logger, string version);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Config loaded from {Path}.")]
    public static partial void ConfigLoaded(ILogger logger, string path);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Using default config.")]
    public static partial void UsingDefaultConfig(ILogger logger);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Starting in local only mode. Connections will only be possible from clients running on this machine.")]
    public static partial void LocalOnlyMode(ILogger logger);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Create a configuration file which defines a listener to allow remote access.")]
    public static partial void LocalOnlyModeAdvice(ILogger logger);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Opening {Family} listen socket on port {Port}.")]
    public static partial void OpeningListenSocket(ILogger logger, string family, int port);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information, Message = "tether version {Version} running")]
    public static partial void Running(ILogger logger, string version);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Information, Message = "tether version {Version} terminating")]
    public static partial void Terminating(ILogger logger, string version);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning, Message = "{Warning}")]
    public static partial void ConfigWarning(ILogger logger, string warning);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Warning, Message = "Running as root: Tether does not switch to the 'mosquitto' user as Mosquitto does; run it as an unprivileged user (systemd: User=mosquitto), or write 'user root' to silence this.")]
    public static partial void RunningAsRoot(ILogger logger);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Information, Message = "Client connection from {Address} denied: max_connections exceeded on listener {Listener}.")]
    public static partial void ConnectionDeniedMaxConnections(ILogger logger, string address, string listener);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "Graceful shutdown timed out; closing the remaining connections.")]
    public static partial void ShutdownTimedOut(ILogger logger);

    // Mosquitto's wording at start-up when it reads its persistence file.
    [LoggerMessage(EventId = 1090, Level = LogLevel.Information, Message = "Restoring persistent state from {Path}: {Retained} retained messages, {Sessions} sessions.")]
    public static partial void RestoredStore(ILogger logger, string path, int retained, int sessions);

    // Once, when the store's writer stops: the operator must act, and the server stops (see docs/PERSISTENCE.md).
    [LoggerMessage(EventId = 1091, Level = LogLevel.Error, Message = "Writing the persistence store {Path} failed: {Error}. Nothing more can be made durable, so Tether acknowledges no more QoS 1/2 messages for persistent sessions and is shutting down. Free disk space or fix the file system (disk full, read-only mount, I/O error), then start Tether again: everything acknowledged before the failure is in the store.")]
    public static partial void StoreWriteFailed(ILogger logger, string path, string error);
}
