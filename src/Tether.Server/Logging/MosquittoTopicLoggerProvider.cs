using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Tether.Broker;
using Tether.Protocol;

namespace Tether.Server;

// log_dest topic: like Mosquitto, each line (with its timestamp) is published at QoS 2, not retained, to
// $SYS/broker/log/<type>; debug lines never are (each would cause another). Lines are queued and published by one
// background task: a line may be logged while a session's lock is held (a subscribe line is), and publishing from
// there could wait for another session's lock, held by a thread that is itself logging. The queue is bounded; when
// subscribers cannot keep up, the newest lines are dropped rather than memory growing.

/// <summary><c>log_dest topic</c>: publishes log lines under <c>$SYS/broker/log/</c>.</summary>
public sealed class MosquittoTopicLoggerProvider : ILoggerProvider
{
    private const int QueueCapacity = 10_000;

    private readonly LoggingSettings _settings;
    private readonly TimeProvider _time;
    private readonly Channel<QueuedLine> _queue = Channel.CreateBounded<QueuedLine>(
        new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private Task? _pump;

    /// <summary>Creates the provider; lines are kept until <see cref="Attach"/> gives it the broker.</summary>
    /// <param name="settings">Timestamp settings.</param>
    /// <param name="time">The clock.</param>
    public MosquittoTopicLoggerProvider(LoggingSettings settings, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(time);
        _settings = settings;
        _time = time;
    }

    /// <summary>Starts publishing queued and future lines to <paramref name="broker"/>.</summary>
    /// <param name="broker">The broker to publish to.</param>
    public void Attach(MqttBroker broker)
    {
        ArgumentNullException.ThrowIfNull(broker);
        _pump ??= PumpAsync(broker);
    }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new TopicLogger(this, categoryName);

    /// <inheritdoc />
    public void Dispose() => _queue.Writer.TryComplete();

    private async Task PumpAsync(MqttBroker broker)
    {
        await Task.Yield();
        await foreach (var queued in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            broker.PublishFromBroker(queued.Topic, Encoding.UTF8.GetBytes(queued.Line), QualityOfService.ExactlyOnce, retain: false);
        }
    }

    private void Enqueue(MosquittoSeverity severity, string message)
    {
        var line = MosquittoConsoleFormatter.FormatLine(_time.GetUtcNow(), _settings.Timestamp, _settings.TimestampFormat, message, null).TrimEnd('\n');
        _queue.Writer.TryWrite(new QueuedLine(MosquittoSeverities.Topic(severity), line));
    }

    private sealed class TopicLogger(MosquittoTopicLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        // Debug lines are never published: Mosquitto skips them, and each publish would log another.
        public bool IsEnabled(LogLevel logLevel) => logLevel is > LogLevel.Debug and < LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider.Enqueue(MosquittoSeverities.Of(category, logLevel, eventId), formatter(state, exception));
            }
        }
    }

    private readonly record struct QueuedLine(string Topic, string Line);
}
