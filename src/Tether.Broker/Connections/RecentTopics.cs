using System.Text;

namespace Tether.Broker;

/// <summary>
/// The topics a connection published to recently, kept as the string and UTF-8 bytes the broker needs, so a
/// client that publishes to the same topics over and over (the usual telemetry pattern) does not cost two
/// allocations per message. Direct-mapped by hash: a miss simply replaces the slot.
/// </summary>
internal sealed class RecentTopics
{
    private const int Slots = 32;

    // Created by the first PUBLISH: a connection that only subscribes, or is idle, never needs the 536 bytes.
    private (string Topic, byte[] Utf8)[]? _slots;

    public (string Topic, byte[] Utf8) Get(ReadOnlySpan<byte> utf8)
    {
        var hash = new HashCode();
        hash.AddBytes(utf8);
        var slot = (int)((uint)hash.ToHashCode() % Slots);
        var slots = _slots ??= new (string, byte[])[Slots];
        var cached = slots[slot];
        if (cached.Utf8 is not null && utf8.SequenceEqual(cached.Utf8))
        {
            return cached;
        }

        var bytes = utf8.ToArray();
        var entry = (Encoding.UTF8.GetString(bytes), bytes);
        slots[slot] = entry;
        return entry;
    }
}
