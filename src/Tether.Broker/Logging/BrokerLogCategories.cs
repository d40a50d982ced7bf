namespace Tether.Broker;

/// <summary>
/// The logger categories the broker writes to. Mosquitto's <c>subscribe</c> and <c>unsubscribe</c> log types are
/// categories of their own, so a host can turn them on without the debug lines.
/// </summary>
public static class BrokerLogCategories
{
    /// <summary>Connections, packets (debug) and everything else.</summary>
    public const string Broker = "Tether.Broker";

    /// <summary>One line per granted subscription: <c>ID QOS FILTER</c>, as Mosquitto's <c>subscribe</c> type.</summary>
    public const string Subscribe = "Tether.Broker.Subscribe";

    /// <summary>One line per removed filter: <c>ID FILTER</c>, as Mosquitto's <c>unsubscribe</c> type.</summary>
    public const string Unsubscribe = "Tether.Broker.Unsubscribe";
}
