namespace Tether.Bench;

/// <summary>
/// Accounting for one stream (one publisher's messages as seen by one subscriber): messages received once,
/// duplicates (a sequence number seen before) and reordered arrivals (a first arrival below the highest
/// sequence number already seen). A ring of bits remembers the last <see cref="WindowSize"/> sequence numbers;
/// an arrival older than that is counted as reordered, never as a duplicate. Written by one thread; the
/// counters may be read by others.
/// </summary>
internal sealed class StreamTracker
{
    /// <summary>How many sequence numbers behind the highest one the duplicate check remembers.</summary>
    public const int WindowSize = 16_384;

    private const int Words = WindowSize / 64;
    private readonly ulong[] _seen = new ulong[Words];
    private long _highest = -1;
    private long _unique;

    /// <summary>
    /// One past the highest sequence number received: what the subscriber has caught up to. MQTT keeps one
    /// publisher's messages to one subscriber in order, so a number skipped over is lost, not late.
    /// </summary>
    public long Next => Volatile.Read(ref _highest) + 1;

    /// <summary>Distinct messages received.</summary>
    public long Unique => Volatile.Read(ref _unique);

    /// <summary>Arrivals of a sequence number already received.</summary>
    public long Duplicates { get; private set; }

    /// <summary>First arrivals of a sequence number lower than one received before.</summary>
    public long Reordered { get; private set; }

    /// <summary>Accounts for the arrival of <paramref name="sequence"/> (sequence numbers start at 0).</summary>
    public void Record(long sequence)
    {
        if (sequence > _highest)
        {
            // The bits of the numbers skipped over are reused for them: clear them (all, after a long gap).
            var gap = sequence - _highest;
            if (gap >= WindowSize || _highest < 0)
            {
                Array.Clear(_seen);
            }
            else
            {
                for (var s = _highest + 1; s < sequence; s++)
                {
                    Clear(s);
                }
            }

            Set(sequence);
            Volatile.Write(ref _highest, sequence);
            Volatile.Write(ref _unique, _unique + 1);
            return;
        }

        if (_highest - sequence >= WindowSize)
        {
            Reordered++;
            Volatile.Write(ref _unique, _unique + 1);
            return;
        }

        if (IsSet(sequence))
        {
            Duplicates++;
            return;
        }

        Set(sequence);
        Reordered++;
        Volatile.Write(ref _unique, _unique + 1);
    }

    private bool IsSet(long sequence) => (_seen[(int)((sequence / 64) % Words)] & (1UL << (int)(sequence % 64))) != 0;

    private void Set(long sequence) => _seen[(int)((sequence / 64) % Words)] |= 1UL << (int)(sequence % 64);

    private void Clear(long sequence) => _seen[(int)((sequence / 64) % Words)] &= ~(1UL << (int)(sequence % 64));
}
