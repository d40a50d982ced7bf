namespace Tether.Cli.Client;

/// <summary>Topic filter matching for <c>tether sub -T</c> (MQTT 5.0 §4.7: <c>+</c> one level, <c>#</c> the rest).</summary>
internal static class TopicFilter
{
    public static bool Matches(string filter, string topic)
    {
        var f = filter.Split('/');
        var t = topic.Split('/');

        // [MQTT-4.7.2-1]: wildcards at the first level do not match topics starting with '$'.
        if (topic.StartsWith('$') && f[0] is "+" or "#")
        {
            return false;
        }

        for (var i = 0; i < f.Length; i++)
        {
            if (f[i] == "#")
            {
                return true;
            }

            if (i >= t.Length || (f[i] != "+" && f[i] != t[i]))
            {
                return false;
            }
        }

        return f.Length == t.Length;
    }
}
