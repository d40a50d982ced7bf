using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;

using Tether.Server.Tests.Hosting;

namespace Tether.Server.Tests.WebSockets;

/// <summary>A Tether server with one WebSocket listener on 127.0.0.1, capturing every log record.</summary>
internal sealed class WebSocketTestServer : IAsyncDisposable
{
    private WebSocketTestServer(TetherServer server, ConcurrentQueue<(LogLevel, string, Exception?)> log)
    {
        Server = server;
        Log = log;
    }

    public TetherServer Server { get; }

    public ConcurrentQueue<(LogLevel Level, string Message, Exception? Exception)> Log { get; }

    public IPEndPoint EndPoint => Server.BoundListeners[0].EndPoint;

    public static async Task<WebSocketTestServer> StartAsync(TimeProvider? time = null, TimeSpan? pingInterval = null)
    {
        var configuration = new TetherConfiguration
        {
            Listeners = [new ListenerOptions { Port = 0, BindAddress = "127.0.0.1", Protocol = ListenerProtocol.WebSockets, WebSocketPingInterval = pingInterval ?? TimeSpan.Zero }],
        };
        ConcurrentQueue<(LogLevel, string, Exception?)> log = new();
        WebSocketTestServer? result = null;
        var server = new TetherServer(configuration, new TetherServerOptions
        {
            TimeProvider = time,
            ShutdownTimeout = TimeSpan.FromSeconds(5),
            ConfigureLogging = logging =>
            {
                logging.ClearProviders();
                logging.SetMinimumLevel(LogLevel.Debug);
                logging.AddProvider(new RecordingLoggerProvider(log, () => result?.OnLineLogged()));
            },
        });
        result = new WebSocketTestServer(server, log);
        await server.StartAsync(CancellationToken.None).WaitAsync(TestServers.Timeout);
        return result;
    }

    /// <summary>All log lines so far.</summary>
    public IReadOnlyList<(LogLevel Level, string Message, Exception? Exception)> Lines() => [.. Log];

    /// <summary>Waits (bounded) for a line containing <paramref name="text"/>; woken by each new line, never polling.</summary>
    public async Task<string> WaitForLineAsync(string text)
    {
        using var timeout = new CancellationTokenSource(TestServers.Timeout);
        while (true)
        {
            // Take the signal before looking, so a line logged in between is not missed.
            var next = _lineLogged.Task;
            foreach (var line in Lines())
            {
                if (line.Message.Contains(text, StringComparison.Ordinal))
                {
                    return line.Message;
                }
            }

            try
            {
                await next.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No log line containing '{text}'. Lines:\n" + string.Join("\n", Lines().Select(l => l.Message)));
            }
        }
    }

    private TaskCompletionSource _lineLogged = NewSignal();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void OnLineLogged() => Interlocked.Exchange(ref _lineLogged, NewSignal()).TrySetResult();

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();

    private sealed class RecordingLoggerProvider(ConcurrentQueue<(LogLevel, string, Exception?)> lines, Action logged) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new RecordingLogger(lines, logged);

        public void Dispose()
        {
        }

        private sealed class RecordingLogger(ConcurrentQueue<(LogLevel, string, Exception?)> lines, Action logged) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lines.Enqueue((logLevel, formatter(state, exception), exception));
                logged();
            }
        }
    }
}

/// <summary>Hand-encoded MQTT 3.1.1 packets for the raw clients.</summary>
internal static class Mqtt311
{
    public static readonly byte[] PingReq = [0xC0, 0x00];
    public static readonly byte[] PingResp = [0xD0, 0x00];
    public static readonly byte[] Disconnect = [0xE0, 0x00];

    public static byte[] Connect(string clientId, ushort keepAlive, string? willTopic = null, string? willPayload = null)
    {
        var body = new List<byte> { 0x00, 0x04, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 0x04 };
        body.Add((byte)(0x02 | (willTopic is null ? 0 : 0x04)));
        body.Add((byte)(keepAlive >> 8));
        body.Add((byte)keepAlive);
        AddString(body, clientId);
        if (willTopic is not null)
        {
            AddString(body, willTopic);
            AddString(body, willPayload ?? string.Empty);
        }

        return Packet(0x10, body);
    }

    public static byte[] Subscribe(ushort packetId, string filter)
    {
        var body = new List<byte> { (byte)(packetId >> 8), (byte)packetId };
        AddString(body, filter);
        body.Add(0x00);
        return Packet(0x82, body);
    }

    public static byte[] Publish(string topic, string payload)
    {
        var body = new List<byte>();
        AddString(body, topic);
        body.AddRange(Encoding.UTF8.GetBytes(payload));
        return Packet(0x30, body);
    }

    /// <summary>Topic and payload of a QoS 0 PUBLISH.</summary>
    public static (string Topic, string Payload) ParsePublish(byte[] packet)
    {
        Assert.Equal(0x30, packet[0] & 0xF0);
        var index = 1;
        while ((packet[index] & 0x80) != 0)
        {
            index++;
        }

        index++;
        var topicLength = (packet[index] << 8) | packet[index + 1];
        var topic = Encoding.UTF8.GetString(packet, index + 2, topicLength);
        var payloadStart = index + 2 + topicLength;
        return (topic, Encoding.UTF8.GetString(packet, payloadStart, packet.Length - payloadStart));
    }

    private static void AddString(List<byte> body, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        body.Add((byte)(bytes.Length >> 8));
        body.Add((byte)bytes.Length);
        body.AddRange(bytes);
    }

    private static byte[] Packet(byte header, List<byte> body)
    {
        var packet = new List<byte> { header };
        var length = body.Count;
        do
        {
            var b = (byte)(length % 128);
            length /= 128;
            packet.Add(length > 0 ? (byte)(b | 0x80) : b);
        }
        while (length > 0);
        packet.AddRange(body);
        return [.. packet];
    }
}
