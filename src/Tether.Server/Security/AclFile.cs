using Tether.Protocol;

namespace Tether.Server.Security;

// Mosquitto's acl_file (mosquitto.conf(5), "acl_file"):
//   topic [read|write|readwrite|deny] TOPIC     access for the current section; readwrite when no access word
//   user USERNAME                                starts the section of that user; lines before any user line are
//                                                the anonymous section (clients without a user name)
//   pattern [read|write|readwrite|deny] TOPIC    for every client, with %c = client id and %u = user name
// TOPIC may contain + and #, matched like a subscription filter (so '#' does not match $SYS topics). A client gets
// no access unless a line grants it; a matching deny line wins over every grant. Patterns with %u do not apply to
// clients without a user name, and a client id or user name containing + or # never satisfies a pattern (it would
// turn the pattern into a wildcard).
//
// Subscriptions: Mosquitto 2.0.11 grants every SUBSCRIBE and only filters what it delivers (checked with
// mosquitto_sub against Debian's 2.0.11). Tether also checks read access on delivery (CanRead) and refuses a
// SUBSCRIBE only when no readable line could ever match a topic of the filter, or a deny line covers all of it,
// i.e. when the subscription could never deliver anything.

/// <summary>The access a line of an ACL file grants.</summary>
[Flags]
public enum AclAccess
{
    /// <summary><c>deny</c>: takes access away.</summary>
    Deny = 0,

    /// <summary><c>read</c>: receive messages (subscribe and delivery).</summary>
    Read = 1,

    /// <summary><c>write</c>: publish.</summary>
    Write = 2,

    /// <summary><c>readwrite</c>, the default.</summary>
    ReadWrite = Read | Write,
}

/// <summary>A parsed Mosquitto ACL file; thread-safe and immutable.</summary>
public sealed class AclFile
{
    private readonly List<AclRule> _anonymous;
    private readonly Dictionary<string, List<AclRule>> _users;
    private readonly List<AclRule> _patterns;

    private AclFile(string path, List<AclRule> anonymous, Dictionary<string, List<AclRule>> users, List<AclRule> patterns)
    {
        Path = path;
        _anonymous = anonymous;
        _users = users;
        _patterns = patterns;
    }

    /// <summary>The file it was loaded from.</summary>
    public string Path { get; }

    /// <summary>Reads and parses an ACL file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The rules.</returns>
    /// <exception cref="MosquittoConfigException">The file cannot be read or a line is invalid; the message names the line.</exception>
    public static AclFile Load(string path)
    {
        return Parse(ConfigFileText.Read(path, "Unable to open acl_file"), path);
    }

    /// <summary>Parses the text of an ACL file.</summary>
    /// <param name="text">The file's text.</param>
    /// <param name="sourceName">The file's name, for error messages.</param>
    /// <returns>The rules.</returns>
    /// <exception cref="MosquittoConfigException">A line is invalid; the message names it.</exception>
    public static AclFile Parse(string text, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(sourceName);
        var anonymous = new List<AclRule>();
        var users = new Dictionary<string, List<AclRule>>(StringComparer.Ordinal);
        var patterns = new List<AclRule>();
        var current = anonymous;
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var space = line.AsSpan().IndexOfAny(' ', '\t');
            var keyword = space < 0 ? line : line[..space];
            var rest = space < 0 ? string.Empty : line[(space + 1)..].Trim();
            switch (keyword)
            {
                case "user":
                    if (rest.Length == 0)
                    {
                        throw Error(sourceName, number, "'user' needs a user name");
                    }

                    if (!users.TryGetValue(rest, out current!))
                    {
                        current = [];
                        users.Add(rest, current);
                    }

                    break;
                case "topic":
                    current.Add(ParseRule(rest, sourceName, number, keyword, isPattern: false));
                    break;
                case "pattern":
                    patterns.Add(ParseRule(rest, sourceName, number, keyword, isPattern: true));
                    break;
                default:
                    throw Error(sourceName, number, $"unknown keyword '{keyword}'; use user, topic or pattern");
            }
        }

        return new AclFile(sourceName, anonymous, users, patterns);
    }

    /// <summary>Whether a client may receive (read) or publish (write) on a topic name.</summary>
    /// <param name="clientId">The client id.</param>
    /// <param name="userName">The user name, or null for an anonymous client.</param>
    /// <param name="topic">The topic name.</param>
    /// <param name="access"><see cref="AclAccess.Read"/> or <see cref="AclAccess.Write"/>.</param>
    /// <returns>Whether a line grants it and no deny line matches.</returns>
    public bool IsAllowed(string clientId, string? userName, string topic, AclAccess access)
    {
        var granted = false;
        var rules = Section(userName);
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            if (TopicMatch.IsMatch(rule.Topic, topic))
            {
                if (rule.Access == AclAccess.Deny)
                {
                    return false;
                }

                granted |= (rule.Access & access) != 0;
            }
        }

        for (var i = 0; i < _patterns.Count; i++)
        {
            var rule = _patterns[i];
            if (Substitute(rule, clientId, userName) is { } filter && TopicMatch.IsMatch(filter, topic))
            {
                if (rule.Access == AclAccess.Deny)
                {
                    return false;
                }

                granted |= (rule.Access & access) != 0;
            }
        }

        return granted;
    }

    /// <summary>Whether a subscription to <paramref name="filter"/> could ever deliver a message the client may read.</summary>
    /// <param name="clientId">The client id.</param>
    /// <param name="userName">The user name, or null for an anonymous client.</param>
    /// <param name="filter">The topic filter (a shared subscription's filter without its <c>$share/group/</c> prefix).</param>
    /// <returns>False when no readable line overlaps the filter or a deny line covers all of it.</returns>
    public bool CanSubscribe(string clientId, string? userName, string filter)
    {
        var readable = false;
        var rules = Section(userName);
        for (var i = 0; i < rules.Count; i++)
        {
            if (!Consider(rules[i].Topic, rules[i].Access, filter, ref readable))
            {
                return false;
            }
        }

        for (var i = 0; i < _patterns.Count; i++)
        {
            var rule = _patterns[i];
            if (Substitute(rule, clientId, userName) is { } topic && !Consider(topic, rule.Access, filter, ref readable))
            {
                return false;
            }
        }

        return readable;

        static bool Consider(string rule, AclAccess access, string filter, ref bool readable)
        {
            if (access == AclAccess.Deny)
            {
                return !TopicMatch.Covers(rule, filter);
            }

            readable |= (access & AclAccess.Read) != 0 && TopicMatch.Overlaps(rule, filter);
            return true;
        }
    }

    private List<AclRule> Section(string? userName) =>
        userName is null ? _anonymous : _users.TryGetValue(userName, out var rules) ? rules : [];

    private static string? Substitute(AclRule rule, string clientId, string? userName)
    {
        if (!rule.HasSubstitutions)
        {
            return rule.Topic;
        }

        var topic = rule.Topic;
        if (topic.Contains("%u", StringComparison.Ordinal))
        {
            if (userName is null || userName.AsSpan().IndexOfAny('+', '#') >= 0)
            {
                return null;
            }

            topic = topic.Replace("%u", userName, StringComparison.Ordinal);
        }

        if (topic.Contains("%c", StringComparison.Ordinal))
        {
            if (clientId.AsSpan().IndexOfAny('+', '#') >= 0)
            {
                return null;
            }

            topic = topic.Replace("%c", clientId, StringComparison.Ordinal);
        }

        return topic;
    }

    private static AclRule ParseRule(string rest, string sourceName, int number, string keyword, bool isPattern)
    {
        var space = rest.AsSpan().IndexOfAny(' ', '\t');
        var first = space < 0 ? rest : rest[..space];
        AclAccess? access = first switch
        {
            "read" => AclAccess.Read,
            "write" => AclAccess.Write,
            "readwrite" => AclAccess.ReadWrite,
            "deny" => AclAccess.Deny,
            _ => null,
        };

        // "topic read" alone is the topic named "read", as in Mosquitto; a topic may contain spaces.
        var topic = access is not null && space >= 0 ? rest[(space + 1)..].Trim() : rest;
        if (access is null || space < 0)
        {
            access = AclAccess.ReadWrite;
        }

        if (topic.Length == 0)
        {
            throw Error(sourceName, number, $"'{keyword}' needs a topic");
        }

        if (!TopicRules.IsValidTopicFilter(System.Text.Encoding.UTF8.GetBytes(topic)))
        {
            throw Error(sourceName, number, $"invalid topic '{topic}' ('+' and '#' must fill a whole level, '#' only at the end)");
        }

        var substitutes = isPattern && (topic.Contains("%c", StringComparison.Ordinal) || topic.Contains("%u", StringComparison.Ordinal));
        return new AclRule(topic, access.Value, substitutes);
    }

    private static MosquittoConfigException Error(string sourceName, int number, string problem) =>
        new($"Invalid line {number} in acl_file {sourceName}: {problem}", sourceName, number, null);

    private sealed record AclRule(string Topic, AclAccess Access, bool HasSubstitutions);
}
