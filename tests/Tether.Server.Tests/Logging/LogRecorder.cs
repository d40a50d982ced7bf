using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Tether.Server.Tests.Hosting;

namespace Tether.Server.Tests.Logging;

/// <summary>Records a server's log lines (after its configuration's filters) and wakes waiters on each new line.</summary>
internal sealed class LogRecorder : ILoggerProvider
{
    private TaskCompletionSource _lineLogged = NewSignal();

    public ConcurrentQueue<string> Lines { get; } = new();

    /// <summary>Starts a server whose log lines this recorder receives, instead of the configuration's destinations.</summary>
    public async Task<TetherServer> StartAsync(TetherConfiguration configuration)
    {
        var server = new TetherServer(configuration, new TetherServerOptions
        {
            ShutdownTimeout = TimeSpan.FromSeconds(5),
            ConfigureLogging = logging =>
            {
                logging.ClearProviders();
                logging.AddProvider(this);
            },
        });
        try
        {
            await server.StartAsync(CancellationToken.None).WaitAsync(TestServers.Timeout);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits (bounded) for a line starting with <paramref name="start"/>; woken by each new line, never polling.</summary>
    public async Task WaitForLineAsync(string start)
    {
        using var timeout = new CancellationTokenSource(TestServers.Timeout);
        while (true)
        {
            // Take the signal before looking, so a line logged in between is not missed.
            var next = _lineLogged.Task;
            if (Lines.Any(l => l.StartsWith(start, StringComparison.Ordinal)))
            {
                return;
            }

            try
            {
                await next.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No log line starting with '{start}'. Lines:\n" + string.Join("\n", Lines));
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Recorder(this);

    public void Dispose()
    {
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class Recorder(LogRecorder owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            owner.Lines.Enqueue(formatter(state, exception));
            Interlocked.Exchange(ref owner._lineLogged, NewSignal()).TrySetResult();
        }
    }
}
