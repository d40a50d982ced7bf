using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tether.Server;

// Mosquitto's log_type picks message types; Microsoft.Extensions.Logging filters by category and level. Most types
// are levels (debug, notice/information, warning, error); subscribe, unsubscribe and websockets are categories of
// their own, so that `log_type subscribe` shows "client 1 topic" lines without the debug firehose. Every rule has a
// minimum level, so a disabled debug line is refused by a comparison before any delegate runs: the broker's publish
// path pays one IsEnabled check and nothing else when debug is off.

/// <summary>Turns <see cref="LoggingSettings.Types"/> into logging filter rules.</summary>
public static class MosquittoLogFilter
{
    /// <summary>The category of the <c>subscribe</c> type's lines ("ID QOS FILTER").</summary>
    public const string SubscribeCategory = Tether.Broker.BrokerLogCategories.Subscribe;

    /// <summary>The category of the <c>unsubscribe</c> type's lines ("ID FILTER").</summary>
    public const string UnsubscribeCategory = Tether.Broker.BrokerLogCategories.Unsubscribe;

    /// <summary>The category of the <c>websockets</c> type's lines.</summary>
    public const string WebSocketsCategory = "Tether.Server.WebSockets";

    /// <summary>Adds the rules for <paramref name="settings"/> to <paramref name="logging"/>.</summary>
    /// <param name="logging">The logging builder.</param>
    /// <param name="settings">The configuration's logging options.</param>
    public static void Apply(ILoggingBuilder logging, LoggingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(logging);
        ArgumentNullException.ThrowIfNull(settings);
        var types = settings.Types;
        var byLevel = settings.MinimumLevel;
        bool AllowsLevel(string? provider, string? category, LogLevel level) => settings.AllowsLevel(level);

        logging.SetMinimumLevel(byLevel);
        logging.Services.Configure<LoggerFilterOptions>(options =>
        {
            options.Rules.Add(new LoggerFilterRule(null, null, byLevel, AllowsLevel));

            // The framework's own chatter ("Now listening on", "Application started") is not Mosquitto's; keep its problems.
            var framework = byLevel > LogLevel.Warning ? byLevel : LogLevel.Warning;
            options.Rules.Add(new LoggerFilterRule(null, "Microsoft", framework, AllowsLevel));
            options.Rules.Add(new LoggerFilterRule(null, SubscribeCategory, (types & MosquittoLogTypes.Subscribe) != 0 ? LogLevel.Trace : LogLevel.None, null));
            options.Rules.Add(new LoggerFilterRule(null, UnsubscribeCategory, (types & MosquittoLogTypes.Unsubscribe) != 0 ? LogLevel.Trace : LogLevel.None, null));
            options.Rules.Add((types & MosquittoLogTypes.WebSockets) != 0
                ? new LoggerFilterRule(null, WebSocketsCategory, LogLevel.Trace, null)
                : new LoggerFilterRule(null, WebSocketsCategory, byLevel, AllowsLevel));
        });
    }
}
