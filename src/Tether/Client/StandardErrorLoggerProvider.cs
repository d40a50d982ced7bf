using Microsoft.Extensions.Logging;

namespace Tether.Cli.Client;

/// <summary>For <c>-d</c>: the client library's warnings and errors (lost connection, failed handler), one line each on standard error.</summary>
internal sealed class StandardErrorLoggerProvider(TextWriter error) : ILoggerProvider, ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new Logger(error);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(TextWriter error) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        // The packet lines say what Information and Debug entries would; mosquitto prints nothing more either.
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            if (!IsEnabled(logLevel))
            {
                return;
            }

            error.WriteLine("Client " + formatter(state, exception));
        }
    }
}
