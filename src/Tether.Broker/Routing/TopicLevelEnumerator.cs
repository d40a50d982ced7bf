namespace Tether.Broker.Routing;

/// <summary>
/// Splits a UTF-8 topic name or filter into its levels on <c>/</c> (0x2F) without allocating.
/// </summary>
/// <remarks>
/// Every separator delimits a level, so empty levels are real levels (§4.7.1.1, §4.7.3):
/// <c>a//b</c> has three levels, <c>/a</c> and <c>a/</c> two each, and the empty string one. Copying the
/// enumerator copies its position, which is how the matcher backtracks after trying a <c>+</c> branch.
/// </remarks>
internal ref struct TopicLevelEnumerator
{
    private const byte Separator = (byte)'/';

    private ReadOnlySpan<byte> _remaining;
    private bool _done;

    /// <summary>Starts before the first level of <paramref name="topic"/>.</summary>
    public TopicLevelEnumerator(ReadOnlySpan<byte> topic)
    {
        _remaining = topic;
        _done = false;
        Current = default;
    }

    /// <summary>The level the last successful <see cref="MoveNext"/> moved to (without separators).</summary>
    public ReadOnlySpan<byte> Current { get; private set; }

    /// <summary>Moves to the next level; false once the last level has been returned.</summary>
    public bool MoveNext()
    {
        if (_done)
        {
            return false;
        }

        var slash = _remaining.IndexOf(Separator);
        if (slash < 0)
        {
            Current = _remaining;
            _remaining = default;
            _done = true;
        }
        else
        {
            Current = _remaining[..slash];
            _remaining = _remaining[(slash + 1)..];
        }

        return true;
    }
}
