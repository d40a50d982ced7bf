using System.Diagnostics;
using Tether.Protocol;

namespace Tether.Bench;

/// <summary>
/// One subscribing connection. Its receive loop parses every PUBLISH in what one read returned, accounts for it
/// in the stream of its publisher and in the latency histogram, answers QoS 1 with PUBACKs (one flush per
/// read), and then wakes the publishers it hears from, whose credit depends on what it received. Nothing is
/// allocated per message.
/// </summary>
internal sealed class BenchSubscriber
{
    private readonly BenchConnection _connection;
    private readonly BenchClock _clock;
    private readonly StreamTracker?[] _streams;
    private readonly BenchPublisher?[] _publishers;
    private readonly int[] _touched;
    private readonly long[] _touchedInRead;
    private int _touchedCount;
    private long _reads;
    private readonly AckPacket _pubAck = new(PacketType.PubAck);
    private long _received;
    private int _writing;
    private int _closing;

    /// <param name="streams">Indexed by publisher: the stream from each publisher this subscriber hears, null for the others.</param>
    /// <param name="publishers">Indexed like <paramref name="streams"/>: the publishers to wake when their messages arrive.</param>
    public BenchSubscriber(BenchConnection connection, BenchClock clock, StreamTracker?[] streams, BenchPublisher?[] publishers)
    {
        _connection = connection;
        _clock = clock;
        _streams = streams;
        _publishers = publishers;
        _touched = new int[streams.Length];
        _touchedInRead = new long[streams.Length];
        Array.Fill(_touchedInRead, -1);
    }

    public LatencyHistogram Latency { get; } = new();

    /// <summary>Messages received since the start (duplicates included).</summary>
    public long Received => Volatile.Read(ref _received);

    /// <summary>Messages received during the measurement.</summary>
    public long ReceivedMeasured { get; private set; }

    /// <summary>Messages that were not bench messages of this run (too short, or from an unknown publisher).</summary>
    public long Foreign { get; private set; }

    public BenchConnection Connection => _connection;

    public async Task ReceiveAsync(CancellationToken cancellationToken)
    {
        var input = _connection.Input;
        var reader = _connection.Reader;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
                var buffer = result.Buffer;
                var acknowledged = false;
                while (true)
                {
                    var status = reader.TryRead(ref buffer, out var packet, out var error);
                    if (status == ReadStatus.NeedMoreData)
                    {
                        break;
                    }

                    if (status == ReadStatus.Error)
                    {
                        throw new BenchException("The broker sent a malformed packet to a subscriber: " + error.Message);
                    }

                    if (packet is PublishPacket publish)
                    {
                        Account(publish);
                        if (publish.QoS == QualityOfService.AtLeastOnce && BeginWrite())
                        {
                            _pubAck.PacketId = publish.PacketId;
                            MqttPacketWriter.WriteAck(_connection.Output, _pubAck, _connection.Version);
                            acknowledged = true;
                        }
                    }
                }

                input.AdvanceTo(buffer.Start, buffer.End);
                if (acknowledged)
                {
                    await _connection.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
                }

                Volatile.Write(ref _writing, 0);

                // Wake only the publishers whose credit this read changed: waking all of fanin's 100 for every
                // message a broker delivers on its own would cost the load tool more than the message.
                for (var i = 0; i < _touchedCount; i++)
                {
                    _publishers[_touched[i]]?.Signal.Set();
                }

                _touchedCount = 0;
                _reads++;

                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException or System.Net.WebSockets.WebSocketException)
        {
            // The run closed the connection.
        }
    }

    /// <summary>
    /// Sends DISCONNECT once the receive loop is not writing PUBACKs (it writes none afterwards); the broker then
    /// closes the connection and the loop ends. Pending reads are not cancelled: that would abort a WebSocket.
    /// </summary>
    public async Task DisconnectAsync()
    {
        Interlocked.Exchange(ref _closing, 1);
        var spins = 0;
        while (Volatile.Read(ref _writing) != 0 && spins++ < 10_000)
        {
            await Task.Yield();
        }

        await _connection.DisconnectAsync().ConfigureAwait(false);
    }

    /// <summary>Claims the output for this read's PUBACKs; false once the run is closing the connection.</summary>
    private bool BeginWrite()
    {
        // Both sides use full fences (Interlocked), so either the closer sees _writing or this sees _closing.
        Interlocked.Exchange(ref _writing, 1);
        if (Volatile.Read(ref _closing) != 0)
        {
            Volatile.Write(ref _writing, 0);
            return false;
        }

        return true;
    }

    private void Account(PublishPacket publish)
    {
        var now = Stopwatch.GetTimestamp();
        var payload = publish.Payload;
        Span<byte> header = stackalloc byte[BenchPayload.HeaderSize];
        var first = payload.FirstSpan;
        if (first.Length >= BenchPayload.HeaderSize)
        {
            first[..BenchPayload.HeaderSize].CopyTo(header);
        }
        else if (payload.Length >= BenchPayload.HeaderSize)
        {
            System.Buffers.BuffersExtensions.CopyTo(payload.Slice(0, BenchPayload.HeaderSize), header);
        }
        else
        {
            Foreign++;
            return;
        }

        BenchPayload.TryRead(header, out var sequence, out var sent, out var publisher);
        if ((uint)publisher >= (uint)_streams.Length || _streams[publisher] is not { } stream)
        {
            Foreign++;
            return;
        }

        stream.Record(sequence);
        if (_touchedInRead[publisher] != _reads)
        {
            _touchedInRead[publisher] = _reads;
            _touched[_touchedCount++] = publisher;
        }

        Volatile.Write(ref _received, _received + 1);
        if (_clock.IsMeasured(now))
        {
            ReceivedMeasured++;
            Latency.Record(now - sent);
        }
    }
}
