using Microsoft.Extensions.Logging;

namespace Tether.Client;

/// <summary>The client's log lines. Event ids: 1xx connection life cycle, 2xx session restore, 3xx messages.</summary>
internal static partial class ClientLog
{
    [LoggerMessage(100, LogLevel.Debug, "Connecting to {Endpoint} as '{ClientId}' (MQTT {Version}).")]
    public static partial void Connecting(ILogger logger, string endpoint, string clientId, string version);

    [LoggerMessage(101, LogLevel.Information, "Connected to {Endpoint} (session present: {SessionPresent}).")]
    public static partial void Connected(ILogger logger, string endpoint, bool sessionPresent);

    [LoggerMessage(102, LogLevel.Warning, "Connection to {Endpoint} lost: {Kind}: {Detail}.")]
    public static partial void ConnectionLost(ILogger logger, string endpoint, MqttDisconnectKind kind, string detail, Exception? exception);

    [LoggerMessage(103, LogLevel.Information, "Reconnecting to {Endpoint} in {Delay} (attempt {Attempt}).")]
    public static partial void Reconnecting(ILogger logger, string endpoint, TimeSpan delay, int attempt);

    [LoggerMessage(104, LogLevel.Debug, "Reconnect attempt {Attempt} failed: {Kind}: {Detail}.")]
    public static partial void ReconnectFailed(ILogger logger, int attempt, MqttDisconnectKind kind, string detail);

    [LoggerMessage(105, LogLevel.Information, "Disconnected from {Endpoint}.")]
    public static partial void Disconnected(ILogger logger, string endpoint);

    [LoggerMessage(106, LogLevel.Error, "An event handler threw.")]
    public static partial void HandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(200, LogLevel.Information, "Session not present: subscribing again to {Count} filter(s).")]
    public static partial void Resubscribing(ILogger logger, int count);

    [LoggerMessage(201, LogLevel.Debug, "Resending {Count} in-flight message(s).")]
    public static partial void Resending(ILogger logger, int count);

    [LoggerMessage(300, LogLevel.Debug, "Dropped a duplicate QoS 2 PUBLISH (packet id {PacketId}) already delivered.")]
    public static partial void DuplicateDropped(ILogger logger, ushort packetId);
}
