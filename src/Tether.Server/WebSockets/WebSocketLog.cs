using Microsoft.Extensions.Logging;

namespace Tether.Server;

/// <summary>Log lines of WebSocket listeners. Event ids 1100-1199.</summary>
internal static partial class WebSocketLog
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "Refused a plain HTTP {Method} {Path} from {Address} on WebSocket listener {Listener}: not a WebSocket upgrade.")]
    public static partial void NotAnUpgrade(ILogger logger, string method, string path, string address, string listener);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Debug, Message = "WebSocket from {Address} on listener {Listener}: path {Path}, subprotocol {SubProtocol}.")]
    public static partial void Accepted(ILogger logger, string address, string listener, string path, string subProtocol);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Debug, Message = "WebSocket from {Address}: client offered subprotocols {Offered}, none of which is MQTT; accepting without a subprotocol.")]
    public static partial void NoMqttSubProtocol(ILogger logger, string address, string offered);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Debug, Message = "WebSocket from {Address}: {What}.")]
    public static partial void Event(ILogger logger, string address, string what);
}
