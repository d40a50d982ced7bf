namespace Tether.Broker.Tests.Routing;

/// <summary>
/// The slow, obviously-correct matcher the tree is checked against: split both strings on '/' and
/// compare level by level (MQTT §4.7).
/// </summary>
internal static class ReferenceTopicMatcher
{
    public static bool Matches(string filter, string topic)
    {
        var filterLevels = filter.Split('/');
        var topicLevels = topic.Split('/');

        // [MQTT-4.7.2-1]: a filter starting with a wildcard does not match a topic starting with '$'.
        if (topic.StartsWith('$') && filterLevels[0] is "+" or "#")
        {
            return false;
        }

        return Matches(filterLevels, 0, topicLevels, 0);
    }

    private static bool Matches(string[] filter, int f, string[] topic, int t)
    {
        if (f == filter.Length)
        {
            return t == topic.Length;
        }

        if (filter[f] == "#")
        {
            // Matches the parent level and any number of levels below, including none.
            return true;
        }

        if (t == topic.Length)
        {
            return false;
        }

        return (filter[f] == "+" || filter[f] == topic[t]) && Matches(filter, f + 1, topic, t + 1);
    }
}
