using Microsoft.Extensions.Logging;
using Tether.Broker;

namespace Tether.Server;

/// <summary>Mosquitto's message types, as a line's destination (syslog priority, log topic) sees them.</summary>
internal enum MosquittoSeverity
{
    Debug,
    Error,
    Warning,
    Notice,
    Information,
    Subscribe,
    Unsubscribe,
    WebSockets,
}

/// <summary>Which Mosquitto type a Tether log line is, and what syslog and <c>log_dest topic</c> make of it.</summary>
internal static class MosquittoSeverities
{
    /// <summary>
    /// The type of a line. Levels give most of it; Mosquitto logs connects, disconnects and opened listeners as
    /// notices, which Tether writes at Information, so those events are recognised by id.
    /// </summary>
    public static MosquittoSeverity Of(string category, LogLevel level, EventId eventId)
    {
        if (string.Equals(category, BrokerLogCategories.Subscribe, StringComparison.Ordinal))
        {
            return MosquittoSeverity.Subscribe;
        }

        if (string.Equals(category, BrokerLogCategories.Unsubscribe, StringComparison.Ordinal))
        {
            return MosquittoSeverity.Unsubscribe;
        }

        return level switch
        {
            LogLevel.Trace or LogLevel.Debug => string.Equals(category, MosquittoLogFilter.WebSocketsCategory, StringComparison.Ordinal)
                ? MosquittoSeverity.WebSockets
                : MosquittoSeverity.Debug,
            LogLevel.Information => eventId.Id is 99 or 100 or 101 or 1005 ? MosquittoSeverity.Notice : MosquittoSeverity.Information,
            LogLevel.Warning => MosquittoSeverity.Warning,
            _ => MosquittoSeverity.Error,
        };
    }

    /// <summary>The syslog severity (RFC 5424 §6.2.1) Mosquitto gives the type.</summary>
    public static int SyslogSeverity(MosquittoSeverity severity) => severity switch
    {
        MosquittoSeverity.Error => 3,
        MosquittoSeverity.Warning => 4,
        MosquittoSeverity.Notice or MosquittoSeverity.Subscribe or MosquittoSeverity.Unsubscribe => 5,
        MosquittoSeverity.Information => 6,
        _ => 7,
    };

    /// <summary>The <c>$SYS/broker/log/...</c> topic of the type (mosquitto.conf(5), <c>log_dest topic</c>).</summary>
    public static string Topic(MosquittoSeverity severity) => severity switch
    {
        MosquittoSeverity.Debug => "$SYS/broker/log/D",
        MosquittoSeverity.Error => "$SYS/broker/log/E",
        MosquittoSeverity.Warning => "$SYS/broker/log/W",
        MosquittoSeverity.Notice => "$SYS/broker/log/N",
        MosquittoSeverity.Information => "$SYS/broker/log/I",
        MosquittoSeverity.Subscribe => "$SYS/broker/log/M/subscribe",
        MosquittoSeverity.Unsubscribe => "$SYS/broker/log/M/unsubscribe",
        _ => "$SYS/broker/log/WS",
    };
}
