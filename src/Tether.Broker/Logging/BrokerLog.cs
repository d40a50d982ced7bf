using Microsoft.Extensions.Logging;

namespace Tether.Broker;

/// <summary>
/// The broker's log lines, worded like Mosquitto's where Mosquitto has the line, so existing log watchers keep
/// working; where Mosquitto is vague (why a client went away) these say exactly why. Event ids: 1xx connections,
/// 2xx sessions and subscriptions, 3xx messages, 9xx internal failures.
/// </summary>
internal static partial class BrokerLog
{
    [LoggerMessage(99, LogLevel.Information, "New connection from {Address} on port {Port}.")]
    public static partial void NewConnection(ILogger logger, string address, int port);

    [LoggerMessage(100, LogLevel.Information, "New client connected from {Address} as {ClientId} (p{Protocol}, c{Clean}, k{KeepAlive}{User}).")]
    public static partial void ClientConnected(ILogger logger, string address, string clientId, int protocol, int clean, int keepAlive, string user);

    [LoggerMessage(101, LogLevel.Information, "Client {ClientId} ({Address}) disconnected, closed by {ClosedBy}: {Reason}{Detail}.")]
    public static partial void ClientDisconnected(ILogger logger, string clientId, string address, string closedBy, string reason, string detail);

    // Mosquitto's subscribe and unsubscribe log types: written to BrokerLogCategories.Subscribe / .Unsubscribe.
    [LoggerMessage(200, LogLevel.Information, "{ClientId} {Qos} {Filter}")]
    private static partial void SubscribedCore(ILogger logger, string clientId, int qos, string filter);

    public static void Subscribed(ILogger logger, string clientId, string filter, int qos) => SubscribedCore(logger, clientId, qos, filter);

    [LoggerMessage(202, LogLevel.Information, "{ClientId} {Filter}")]
    public static partial void Unsubscribed(ILogger logger, string clientId, string filter);

    [LoggerMessage(201, LogLevel.Information, "Expiring client {ClientId}: its session expiry interval passed.")]
    public static partial void SessionExpired(ILogger logger, string clientId);

    [LoggerMessage(300, LogLevel.Warning, "Dropped a {Size}-byte PUBLISH from {ClientId}: larger than message_size_limit {Limit}.")]
    public static partial void MessageTooLarge(ILogger logger, string clientId, long size, int limit);

    [LoggerMessage(901, LogLevel.Error, "Reading {Count} queued messages of {ClientId} back from the store failed; they stay queued and the next acknowledgement or reconnect tries again.")]
    public static partial void PageInFailed(ILogger logger, string clientId, int count, Exception exception);

    [LoggerMessage(900, LogLevel.Error, "Connection of {ClientId} ({Address}) failed unexpectedly.")]
    public static partial void ConnectionFailed(ILogger logger, string clientId, string address, Exception exception);
}
