namespace Tether.Server.Security;

/// <summary>
/// Topic filter relations for ACL lines, level by level (§4.7): a filter matching a topic name, two filters that
/// share a topic, and a filter that includes every topic of another. Wildcards in the first level never match a
/// topic starting with '$' [MQTT-4.7.2-1].
/// </summary>
internal static class TopicMatch
{
    /// <summary>Whether <paramref name="topic"/> matches <paramref name="filter"/>.</summary>
    public static bool IsMatch(string filter, string topic)
    {
        if (topic.StartsWith('$') && (filter.StartsWith('+') || filter.StartsWith('#')))
        {
            return false;
        }

        var f = filter.Split('/');
        var t = topic.Split('/');
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

    /// <summary>Whether some topic name matches both filters.</summary>
    public static bool Overlaps(string a, string b)
    {
        var x = a.Split('/');
        var y = b.Split('/');
        if (DollarMismatch(x[0], y[0]) || DollarMismatch(y[0], x[0]))
        {
            return false;
        }

        for (var i = 0; ; i++)
        {
            if ((i < x.Length && x[i] == "#") || (i < y.Length && y[i] == "#"))
            {
                return true;
            }

            if (i >= x.Length || i >= y.Length)
            {
                return x.Length == y.Length;
            }

            if (x[i] != "+" && y[i] != "+" && x[i] != y[i])
            {
                return false;
            }
        }

        // A wildcard first level cannot meet a literal '$' first level.
        static bool DollarMismatch(string level, string other) => level is "+" or "#" && other.StartsWith('$');
    }

    /// <summary>Whether every topic name that matches <paramref name="inner"/> also matches <paramref name="outer"/>.</summary>
    public static bool Covers(string outer, string inner)
    {
        var o = outer.Split('/');
        var n = inner.Split('/');
        if (o[0] is "+" or "#" && n[0].StartsWith('$'))
        {
            return false;
        }

        for (var i = 0; i < o.Length; i++)
        {
            if (o[i] == "#")
            {
                return true;
            }

            if (i >= n.Length)
            {
                return false;
            }

            if (n[i] == "#" || (o[i] != "+" && (n[i] == "+" || n[i] != o[i])))
            {
                return false;
            }
        }

        return o.Length == n.Length;
    }
}
