using System.Buffers;
using System.Diagnostics;
using Tether.Protocol;

namespace Tether.Bench;

/// <summary>
/// One publishing connection. Its send loop writes up to <see cref="MaxBatch"/> PUBLISH into the pipe and flushes
/// once; what it may send is bounded by credit, so the broker's queues never just fill up:
/// <list type="bullet">
/// <item>QoS 1: at most <see cref="BenchOptions.Inflight"/> PUBLISH without their PUBACK;</item>
/// <item>any QoS: at most its window of messages (<see cref="BenchOptions.Window"/> shared among the publishers a
/// subscriber hears) beyond the highest sequence number its slowest
/// subscriber has received (a broker may drop QoS 0 messages; one skipped over counts as lost and frees its
/// credit; a broker acknowledges QoS 1 on receipt, so this bounds its queues too). When that window stays full for <see cref="StallTicks"/> without any arrival the messages still
/// outstanding are written off too, so that a broker dropping everything cannot stop the run;</item>
/// <item>with a rate, no more than the rate allows since the start.</item>
/// </list>
/// The packet, the payload buffer and the pipe are reused: nothing is allocated per message.
/// </summary>
internal sealed class BenchPublisher
{
    private const int MaxBatch = 64;

    private static readonly long StallTicks = Stopwatch.Frequency;

    private readonly BenchConnection _connection;
    private readonly BenchClock _clock;
    private readonly BenchOptions _options;
    private readonly StreamTracker[] _subscribers;
    private readonly PublishPacket _publish;
    private readonly byte[] _payload;
    private readonly int _window;
    private long _sent;
    private long _acknowledged;
    private long _writtenOff;
    private long _lastSlowest;
    private long _lastProgress;
    private ushort _packetId;

    /// <param name="window">Messages this publisher may have sent beyond what its slowest subscriber has received.</param>
    public BenchPublisher(int index, BenchConnection connection, string topic, BenchClock clock, BenchOptions options, StreamTracker[] subscribers, int window)
    {
        Index = index;
        _window = window;
        _connection = connection;
        _clock = clock;
        _options = options;
        _subscribers = subscribers;
        _payload = new byte[options.Size];
        _publish = new PublishPacket
        {
            Topic = Utf8Text.FromString(topic),
            QoS = options.QoS,
            Payload = new ReadOnlySequence<byte>(_payload),
        };
    }

    public int Index { get; }

    /// <summary>How many subscribers receive each message of this publisher.</summary>
    public int SubscriberCount => _subscribers.Length;

    /// <summary>Set by subscribers, PUBACKs and the run's ticker: credit may have changed.</summary>
    public AsyncSignal Signal { get; } = new();

    /// <summary>Messages sent since the start, warm-up included.</summary>
    public long Sent => Volatile.Read(ref _sent);

    /// <summary>Messages sent during the measurement.</summary>
    public long SentMeasured { get; private set; }

    /// <summary>QoS 1: PUBACKs received.</summary>
    public long Acknowledged => Volatile.Read(ref _acknowledged);

    public BenchConnection Connection => _connection;

    /// <summary>Sends until the clock says stop.</summary>
    public async Task SendAsync(CancellationToken cancellationToken)
    {
        _lastProgress = Stopwatch.GetTimestamp();

        // Without a rate, wait until a quarter of the window is free: a few large flushes cost the load tool far
        // fewer system calls than one flush per returning PUBACK.
        var minimumBatch = _options.Rate > 0 ? 1 : Math.Max(1, Math.Min(_window, _options.QoS == QualityOfService.AtMostOnce ? _window : _options.Inflight) / 4);
        while (!_clock.StopSending)
        {
            var now = Stopwatch.GetTimestamp();
            var credit = Credit(now);
            if (credit < minimumBatch)
            {
                await Signal.WaitAsync().ConfigureAwait(false);
                continue;
            }

            var batch = (int)Math.Min(credit, MaxBatch);
            for (var i = 0; i < batch; i++)
            {
                WriteOne();
            }

            await _connection.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads PUBACKs (QoS 1) until the connection closes.</summary>
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
                var acknowledged = 0;
                while (true)
                {
                    var status = reader.TryRead(ref buffer, out var packet, out var error);
                    if (status == ReadStatus.NeedMoreData)
                    {
                        break;
                    }

                    if (status == ReadStatus.Error)
                    {
                        throw new BenchException("The broker sent a malformed packet to a publisher: " + error.Message);
                    }

                    if (packet!.Type == PacketType.PubAck)
                    {
                        acknowledged++;
                    }
                }

                input.AdvanceTo(buffer.Start, buffer.End);
                if (acknowledged > 0)
                {
                    Interlocked.Add(ref _acknowledged, acknowledged);
                    Signal.Set();
                }

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

    private long Credit(long now)
    {
        var slowest = long.MaxValue;
        foreach (var stream in _subscribers)
        {
            slowest = Math.Min(slowest, stream.Next);
        }

        if (slowest != _lastSlowest)
        {
            _lastSlowest = slowest;
            _lastProgress = now;
        }

        var outstanding = _sent - slowest - _writtenOff;
        if (outstanding >= _window && now - _lastProgress > StallTicks)
        {
            _writtenOff += outstanding;
            _lastProgress = now;
            outstanding = 0;
        }

        var credit = _window - outstanding;
        if (_options.QoS != QualityOfService.AtMostOnce)
        {
            credit = Math.Min(credit, _options.Inflight - (_sent - Acknowledged));
        }

        if (_options.Rate > 0)
        {
            var due = (long)((now - _clock.Start) * (double)_options.Rate / Stopwatch.Frequency) - _sent;
            credit = Math.Min(credit, due);
        }

        return credit;
    }

    private void WriteOne()
    {
        var timestamp = Stopwatch.GetTimestamp();
        BenchPayload.Write(_payload, _sent, timestamp, Index);
        if (_options.QoS != QualityOfService.AtMostOnce)
        {
            // Identifiers cycle through 1..65535; with a window far below that none is still in use.
            _packetId = _packetId == ushort.MaxValue ? (ushort)1 : (ushort)(_packetId + 1);
            _publish.PacketId = _packetId;
        }

        MqttPacketWriter.WritePublish(_connection.Output, _publish, _connection.Version);
        Volatile.Write(ref _sent, _sent + 1);
        if (_clock.IsMeasured(timestamp))
        {
            SentMeasured++;
        }
    }
}
