using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tether.Broker;
using Tether.Protocol;
using Tether.Server;

namespace Tether.Benchmarks;

/// <summary>
/// The broker's whole publish path without sockets: a publisher's bytes are parsed, routed to one or more
/// subscribers, queued, encoded and flushed into each subscriber's pipe, which the benchmark drains. At QoS 1 the
/// publisher receives a PUBACK per message and every subscriber acknowledges every PUBLISH, so the in-flight window,
/// the pending queue and the acknowledgement path are measured too. Allocation figures are per published message
/// (OperationsPerInvoke) and include every thread the broker uses.
/// </summary>
[MemoryDiagnoser]
public class BrokerPublishBenchmarks
{
    private const int MessagesPerInvoke = 1_000;
    private MqttBroker _broker = null!;
    private Endpoint _publisher = null!;
    private Endpoint[] _subscribers = [];
    private MqttPacketReader[] _subscriberReaders = [];
    private MqttPacketReader _publisherReader = null!;
    private Receiver[] _receivers = [];
    private readonly Round _round = new();
    private byte[] _publishBatch = [];

    private ServiceProvider? _logging;

    /// <summary>The pipes stand in for sockets; their blocks come from a pool like Kestrel's (see BlockMemoryPool).</summary>
    private readonly PipeOptions _pipeOptions = new(pool: new BlockMemoryPool());

    [Params(ProtocolVersion.V311, ProtocolVersion.V500)]
    public ProtocolVersion Version { get; set; }

    /// <summary>
    /// False: no logger at all. True: the server's logging with Mosquitto's default log types (debug off) and a
    /// provider that would write every line it is given, so what debug lines cost when disabled shows here.
    /// </summary>
    [Params(false, true)]
    public bool Logging { get; set; }

    /// <summary>QoS of the PUBLISH and of the subscriptions; QoS 1 includes both acknowledgement flows.</summary>
    [Params(QualityOfService.AtMostOnce, QualityOfService.AtLeastOnce)]
    public QualityOfService QoS { get; set; }

    /// <summary>How many subscribers receive each message.</summary>
    [Params(1, 10, 100)]
    public int Subscribers { get; set; }

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        ILoggerFactory? loggerFactory = null;
        if (Logging)
        {
            _logging = new ServiceCollection()
                .AddLogging(builder =>
                {
                    builder.AddProvider(new CountingLoggerProvider());
                    MosquittoLogFilter.Apply(builder, LoggingSettings.Default);
                })
                .BuildServiceProvider();
            loggerFactory = _logging.GetRequiredService<ILoggerFactory>();
        }

        _broker = new MqttBroker(BrokerOptions.Default with { SysIntervalSeconds = 0, MaxQueuedMessages = 0 }, loggerFactory: loggerFactory);
        _subscribers = new Endpoint[Subscribers];
        _subscriberReaders = new MqttPacketReader[Subscribers];
        for (var i = 0; i < Subscribers; i++)
        {
            var clientId = "sub" + i;
            _subscribers[i] = Open(_broker, clientId);
            _subscriberReaders[i] = new MqttPacketReader(Version);
            await ConnectAsync(_subscribers[i], clientId);
            var subscribe = new SubscribePacket { PacketId = 1 };
            subscribe.Subscriptions.Add(new TopicSubscription("sensors/+/temperature", QoS));
            await SendAsync(_subscribers[i], subscribe);
            await ReceiveAsync(_subscribers[i], _subscriberReaders[i], 1);
        }

        _publisher = Open(_broker, "pub");
        _publisherReader = new MqttPacketReader(Version);
        await ConnectAsync(_publisher, "pub");

        var batch = new ArrayBufferWriter<byte>();
        var publish = new PublishPacket
        {
            Topic = "sensors/room1/temperature",
            Payload = new ReadOnlySequence<byte>(new byte[64]),
            QoS = QoS,
        };
        for (var i = 0; i < MessagesPerInvoke; i++)
        {
            publish.PacketId = QoS == QualityOfService.AtMostOnce ? (ushort)0 : (ushort)(i + 1);
            MqttPacketWriter.Write(batch, publish, Version);
        }

        _publishBatch = batch.WrittenSpan.ToArray();

        // The publisher's PUBACKs are counted only at QoS 1; at QoS 0 its receiver never expects anything.
        _receivers = new Receiver[Subscribers + 1];
        for (var i = 0; i < Subscribers; i++)
        {
            _receivers[i] = new Receiver(_subscribers[i], _subscriberReaders[i], _round);
        }

        _receivers[^1] = new Receiver(_publisher, _publisherReader, _round);
        foreach (var receiver in _receivers)
        {
            receiver.Start();
        }
    }

    /// <summary>One PUBLISH from a publisher to every subscriber, all acknowledgements included (per operation).</summary>
    /// <remarks>
    /// Subscribers are drained concurrently by receive loops started once (so the harness itself allocates nothing per
    /// invoke): the broker's writers wait on a full pipe like on a slow socket.
    /// </remarks>
    [Benchmark(OperationsPerInvoke = MessagesPerInvoke)]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask Publish_to_subscribers()
    {
        var counting = QoS == QualityOfService.AtMostOnce ? Subscribers : Subscribers + 1;
        _round.Begin(counting);
        for (var i = 0; i < counting; i++)
        {
            _receivers[i].Expect(MessagesPerInvoke);
        }

        await _publisher.ToBroker.WriteAsync(_publishBatch);
        await _round.Completion;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _broker.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _logging?.Dispose();
    }

    private Endpoint Open(MqttBroker broker, string name)
    {
        var toBroker = new Pipe(_pipeOptions);
        var fromBroker = new Pipe(_pipeOptions);
        var info = new ConnectionInfo(name, new IPEndPoint(IPAddress.Loopback, 1), new IPEndPoint(IPAddress.Loopback, 1883), "bench");
        _ = broker.RunConnectionAsync(new DuplexPipe(toBroker.Reader, fromBroker.Writer), info, CancellationToken.None);
        return new Endpoint(toBroker.Writer, fromBroker.Reader);
    }

    private async Task ConnectAsync(Endpoint endpoint, string clientId)
    {
        await SendAsync(endpoint, new ConnectPacket { ClientId = clientId, ProtocolVersion = Version });
        await ReceiveAsync(endpoint, new MqttPacketReader(Version), 1);
    }

    private async Task SendAsync(Endpoint endpoint, MqttPacket packet)
    {
        MqttPacketWriter.Write(endpoint.ToBroker, packet, Version);
        await endpoint.ToBroker.FlushAsync();
    }

    /// <summary>Reads until <paramref name="count"/> packets have arrived, acknowledging each QoS 1 PUBLISH.</summary>
    private static async Task ReceiveAsync(Endpoint endpoint, MqttPacketReader reader, int count)
    {
        var received = 0;
        while (received < count)
        {
            var result = await endpoint.FromBroker.ReadAsync();
            var buffer = result.Buffer;
            var acknowledged = false;
            while (reader.TryRead(ref buffer, out var packet, out var error) == ReadStatus.Packet)
            {
                received++;
                if (packet is PublishPacket { QoS: QualityOfService.AtLeastOnce } publish)
                {
                    WritePubAck(endpoint.ToBroker, publish.PacketId);
                    acknowledged = true;
                }
            }

            endpoint.FromBroker.AdvanceTo(buffer.Start, buffer.End);
            if (acknowledged)
            {
                await endpoint.ToBroker.FlushAsync();
            }

            if (result.IsCompleted)
            {
                throw new InvalidOperationException("The broker closed the connection.");
            }
        }
    }

    /// <summary>A PUBACK with reason Success: the same 4 bytes in 3.1.1 and 5.0 (5.0 may omit the reason code, §3.4.2.1).</summary>
    private static void WritePubAck(PipeWriter output, ushort packetId)
    {
        var span = output.GetSpan(4);
        span[0] = 0x40;
        span[1] = 2;
        span[2] = (byte)(packetId >> 8);
        span[3] = (byte)packetId;
        output.Advance(4);
    }

    private sealed record Endpoint(PipeWriter ToBroker, PipeReader FromBroker);

    /// <summary>
    /// Reads one endpoint for the whole run, acknowledging each QoS 1 PUBLISH, and tells the round when it has
    /// received what the current invoke expects. One long-running async method: its state machine is allocated once.
    /// </summary>
    private sealed class Receiver(Endpoint endpoint, MqttPacketReader reader, Round round)
    {
        private long _received;
        private long _target;

        /// <summary>Expects <paramref name="count"/> more packets; set before the broker is sent anything that causes them.</summary>
        public void Expect(int count) => Volatile.Write(ref _target, Volatile.Read(ref _received) + count);

        public void Start() => _ = RunAsync();

        private async Task RunAsync()
        {
            while (true)
            {
                var result = await endpoint.FromBroker.ReadAsync();
                var buffer = result.Buffer;
                var acknowledged = false;
                while (reader.TryRead(ref buffer, out var packet, out _) == ReadStatus.Packet)
                {
                    if (packet is PublishPacket { QoS: QualityOfService.AtLeastOnce } publish)
                    {
                        WritePubAck(endpoint.ToBroker, publish.PacketId);
                        acknowledged = true;
                    }

                    // Packets are counted one at a time, so the target is met exactly once per invoke.
                    if (Interlocked.Increment(ref _received) == Volatile.Read(ref _target))
                    {
                        round.Arrive();
                    }
                }

                endpoint.FromBroker.AdvanceTo(buffer.Start, buffer.End);
                if (acknowledged)
                {
                    await endpoint.ToBroker.FlushAsync();
                }

                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Completes when every counting receiver has met its target; reused for every invoke.</summary>
    private sealed class Round : IValueTaskSource
    {
        private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
        private int _remaining;

        public ValueTask Completion => new(this, _core.Version);

        public void Begin(int receivers)
        {
            _core.Reset();
            Volatile.Write(ref _remaining, receivers);
        }

        public void Arrive()
        {
            if (Interlocked.Decrement(ref _remaining) == 0)
            {
                _core.SetResult(true);
            }
        }

        public void GetResult(short token) => _core.GetResult(token);

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);
    }

    /// <summary>Counts the lines that get past the filters; enabled for every level, so only the filters decide.</summary>
    private sealed class CountingLoggerProvider : ILoggerProvider, ILogger
    {
        private long _lines;

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Interlocked.Increment(ref _lines);

        public void Dispose()
        {
        }
    }

    private sealed record DuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
