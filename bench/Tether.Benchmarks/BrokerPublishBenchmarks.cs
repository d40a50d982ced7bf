using System.Buffers;
using System.IO.Pipelines;
using System.Net;
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
    private Task[] _receiving = [];
    private MqttPacketReader _publisherReader = null!;
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
        _receiving = new Task[Subscribers + 1];
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
    }

    /// <summary>One PUBLISH from a publisher to every subscriber, all acknowledgements included (per operation).</summary>
    [Benchmark(OperationsPerInvoke = MessagesPerInvoke)]
    public async Task Publish_to_subscribers()
    {
        // Subscribers are drained concurrently: the broker's writers wait on a full pipe like on a slow socket.
        for (var i = 0; i < _subscribers.Length; i++)
        {
            _receiving[i] = ReceiveAsync(_subscribers[i], _subscriberReaders[i], MessagesPerInvoke);
        }

        _receiving[^1] = QoS == QualityOfService.AtMostOnce
            ? Task.CompletedTask
            : ReceiveAsync(_publisher, _publisherReader, MessagesPerInvoke);
        await _publisher.ToBroker.WriteAsync(_publishBatch);
        await Task.WhenAll(_receiving);
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
