using System.Buffers;

namespace Tether.Protocol;

/// <summary>Topic name and topic filter rules (§4.7 of both versions, §4.8.2 of 5.0 for shared subscriptions).</summary>
public static class TopicRules
{
    /// <summary>The prefix of a shared subscription filter.</summary>
    public static ReadOnlySpan<byte> SharePrefix => "$share/"u8;

    /// <summary>
    /// Bytes whose absence makes a topic name valid without further checks: U+0000, the wildcards and every
    /// non-ASCII byte (which sends the name through full UTF-8 validation).
    /// </summary>
    internal static readonly SearchValues<byte> PlainTopicNameStops = SearchValues.Create(
        [0x00, (byte)'+', (byte)'#', .. Enumerable.Range(0x80, 0x80).Select(static b => (byte)b)]);

    private const byte Separator = (byte)'/';
    private const byte SingleLevel = (byte)'+';
    private const byte MultiLevel = (byte)'#';

    /// <summary>
    /// A topic name for PUBLISH: at least one character [MQTT-4.7.3-1] and no wildcard characters
    /// [MQTT-3.3.2-2]. The caller handles the 5.0 empty-topic-with-alias case before calling this.
    /// </summary>
    public static bool IsValidTopicName(ReadOnlySpan<byte> topic) =>
        !topic.IsEmpty && topic.IndexOfAny(SingleLevel, MultiLevel) < 0;

    /// <summary>
    /// A topic filter for SUBSCRIBE/UNSUBSCRIBE: non-empty; <c>#</c> only as the whole last level
    /// [MQTT-4.7.1-2]; <c>+</c> only as a whole level [MQTT-4.7.1-3]; <c>$share/{group}/{filter}</c> with a
    /// non-empty group free of wildcards and a non-empty valid filter [MQTT-4.8.2-1], [MQTT-4.8.2-2].
    /// </summary>
    public static bool IsValidTopicFilter(ReadOnlySpan<byte> filter)
    {
        if (filter.StartsWith(SharePrefix))
        {
            var rest = filter[SharePrefix.Length..];
            var slash = rest.IndexOf(Separator);
            if (slash <= 0)
            {
                return false;
            }

            var group = rest[..slash];
            if (group.IndexOfAny(SingleLevel, MultiLevel) >= 0)
            {
                return false;
            }

            filter = rest[(slash + 1)..];
        }

        if (filter.IsEmpty)
        {
            return false;
        }

        var levelStart = 0;
        while (true)
        {
            var next = filter[levelStart..].IndexOf(Separator);
            var level = next < 0 ? filter[levelStart..] : filter.Slice(levelStart, next);
            if (level.Length > 1 && level.IndexOfAny(SingleLevel, MultiLevel) >= 0)
            {
                return false;
            }

            if (level.Length == 1 && level[0] == MultiLevel && next >= 0)
            {
                return false;
            }

            if (next < 0)
            {
                return true;
            }

            levelStart += next + 1;
        }
    }

    /// <summary>Whether a filter is a shared subscription (<c>$share/</c> prefix).</summary>
    public static bool IsSharedFilter(ReadOnlySpan<byte> filter) => filter.StartsWith(SharePrefix);

    /// <summary>Whether a filter is a shared subscription (<c>$share/</c> prefix).</summary>
    public static bool IsSharedFilter(string filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return filter.StartsWith("$share/", StringComparison.Ordinal);
    }

    /// <summary>Whether a filter contains <c>+</c> or <c>#</c>.</summary>
    public static bool HasWildcards(ReadOnlySpan<byte> filter) => filter.IndexOfAny(SingleLevel, MultiLevel) >= 0;
}
