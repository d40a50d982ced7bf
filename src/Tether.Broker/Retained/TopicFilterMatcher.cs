namespace Tether.Broker;

/// <summary>
/// Matches one topic name against one topic filter (§4.7), for the cases where a filter is checked against
/// stored topics (retained messages on subscribe) rather than a topic against stored filters (the tree).
/// </summary>
internal static class TopicFilterMatcher
{
    public static bool IsMatch(ReadOnlySpan<char> filter, ReadOnlySpan<char> topic)
    {
        // [MQTT-4.7.2-1]: wildcards at the first level do not match '$' topics.
        if (!topic.IsEmpty && topic[0] == '$' && !filter.IsEmpty && (filter[0] == '+' || filter[0] == '#'))
        {
            return false;
        }

        while (true)
        {
            var filterEnd = filter.IndexOf('/');
            var filterLevel = filterEnd < 0 ? filter : filter[..filterEnd];
            if (filterLevel is "#")
            {
                return true;
            }

            var topicEnd = topic.IndexOf('/');
            var topicLevel = topicEnd < 0 ? topic : topic[..topicEnd];
            if (filterLevel is not "+" && !filterLevel.SequenceEqual(topicLevel))
            {
                return false;
            }

            if (filterEnd < 0 || topicEnd < 0)
            {
                // Both must end together, except "a/#" which also matches "a" [MQTT-4.7.1-2].
                return filterEnd < 0 && topicEnd < 0 || (topicEnd < 0 && filter[(filterEnd + 1)..] is "#");
            }

            filter = filter[(filterEnd + 1)..];
            topic = topic[(topicEnd + 1)..];
        }
    }
}
