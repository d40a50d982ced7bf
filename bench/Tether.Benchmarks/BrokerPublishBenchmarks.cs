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
/// The broker's whole publish path without sockets: a publisher's bytes are parsed, routed to one subscriber,
/// queued, encoded and flushed into the subscriber's pipe, which the benchmark drains. Allocation figures are
/// per message (OperationsPerInvoke) and include every thread the broker uses.
/// </summary>
[MemoryDiagnoser]
public class BrokerPublishBenchmarks
{
    private const int MessagesPerInvoke = 1_000;
    private MqttBroker _broker = null!;
    private Endpoint _publisher = null!;
    private Endpoint _subscriber = null!;
    private byte[] _publishBatch = [];
    private MqttPacketReader _subscriberReader = null!;

    private ServiceProvider? _logging;

    [Params(ProtocolVersion.V311, ProtocolVersion.V500)]
    public ProtocolVersion Version { get; set; }

    /// <summary>
    /// False: no logger at all. True: the server's logging with Mosquitto's default log types (debug off) and a
    /// provider that would write every line it is given, so what debug lines cost when disabled shows here.
    /// </summary>
    [Params(false, true)]
    public bool Logging { get; set; }

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
        _subscriber = Open(_broker, "sub");
        _publisher = Open(_broker, "pub");
        _subscriberReader = new MqttPacketReader(Version);
        await ConnectAsync(_subscriber, "sub");
        await ConnectAsync(_publisher, "pub");
        var subscribe = new SubscribePacket { PacketId = 1 };
        subscribe.Subscriptions.Add(new TopicSubscription("sensors/+/temperature", QualityOfService.AtMostOnce));
        await SendAsync(_subscriber, subscribe);
        await ReceiveAsync(_subscriber, _subscriberReader, 1);

        var one = new ArrayBufferWriter<byte>();
        var publish = new PublishPacket
        {
            Topic = "sensors/room1/temperature",
            Payload = new ReadOnlySequence<byte>(new byte[64]),
        };
        MqttPacketWriter.Write(one, publish, Version);
        var batch = new ArrayBufferWriter<byte>();
        for (var i = 0; i < MessagesPerInvoke; i++)
        {
            batch.Write(one.WrittenSpan);
        }

        _publishBatch = batch.WrittenSpan.ToArray();
    }

    /// <summary>One QoS 0 PUBLISH from a publisher to one matching subscriber (per operation).</summary>
    [Benchmark(OperationsPerInvoke = MessagesPerInvoke)]
    public async Task Publish_Qos0_to_one_subscriber()
    {
        await _publisher.ToBroker.WriteAsync(_publishBatch);
        await ReceiveAsync(_subscriber, _subscriberReader, MessagesPerInvoke);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _broker.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _logging?.Dispose();
    }

    private Endpoint Open(MqttBroker broker, string name)
    {
        var toBroker = new Pipe();
        var fromBroker = new Pipe();
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

    /// <summary>Reads until <paramref name="count"/> packets have arrived.</summary>
    private static async Task ReceiveAsync(Endpoint endpoint, MqttPacketReader reader, int count)
    {
        var received = 0;
        while (received < count)
        {
            var result = await endpoint.FromBroker.ReadAsync();
            var buffer = result.Buffer;
            while (reader.TryRead(ref buffer, out _, out var error) == ReadStatus.Packet)
            {
                received++;
            }

            endpoint.FromBroker.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                throw new InvalidOperationException("The broker closed the connection.");
            }
        }
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
