namespace Tether.Broker.Routing;

/// <summary>
/// Recognises <c>$share/{group}/{filter}</c> (MQTT 5.0 §4.8.2) and splits it. The codec has already
/// validated the filter [MQTT-4.8.2-1], [MQTT-4.8.2-2]; this only guards against a malformed call.
/// </summary>
internal static class SharedSubscriptionFilter
{
    private const string Prefix = "$share/";

    /// <summary>
    /// True with the share name and inner filter when <paramref name="filter"/> is a shared subscription;
    /// false (outputs unset) for an ordinary filter.
    /// </summary>
    /// <exception cref="ArgumentException">The prefix is present but the group or the filter is missing.</exception>
    public static bool TrySplit(string filter, out string group, out string topicFilter)
    {
        if (!filter.StartsWith(Prefix, StringComparison.Ordinal))
        {
            group = string.Empty;
            topicFilter = filter;
            return false;
        }

        var slash = filter.IndexOf('/', Prefix.Length);
        if (slash <= Prefix.Length || slash == filter.Length - 1)
        {
            throw new ArgumentException($"'{filter}' is not a valid shared subscription filter ($share/{{group}}/{{filter}}).", nameof(filter));
        }

        group = filter[Prefix.Length..slash];
        topicFilter = filter[(slash + 1)..];
        return true;
    }
}
