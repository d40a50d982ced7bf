using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Tether.Server;

/// <summary>
/// <c>log_dest file PATH</c>: appends Mosquitto-format lines to a file. Lines are written and flushed one at a time
/// under a lock, which is fine for a broker's event log; per-packet debug logging to a file is a diagnostic mode.
/// </summary>
public sealed class MosquittoFileLoggerProvider : ILoggerProvider
{
    private readonly string? _path;
    private StreamWriter _writer;
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly LoggingSettings _settings;
    private readonly ConcurrentDictionary<string, FileLogger> _loggers = new(StringComparer.Ordinal);
    private bool _disposed;

    /// <summary>Opens (creating or appending to) the log file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="settings">Timestamp settings.</param>
    /// <param name="time">The clock for timestamps.</param>
    public MosquittoFileLoggerProvider(string path, LoggingSettings settings, TimeProvider time)
        : this(OpenAppend(path), settings, time)
    {
        _path = path;
    }

    /// <summary>The file written to; null when writing to a stream.</summary>
    public string? Path => _path;

    /// <summary>
    /// Closes the file and opens it again by its name (SIGHUP), so that after logrotate moved it lines go to a new
    /// file. When the file cannot be opened, lines keep going to the old one.
    /// </summary>
    /// <exception cref="IOException">The file cannot be opened; the old one stays in use.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be opened; the old one stays in use.</exception>
    public void Reopen()
    {
        if (_path is null)
        {
            return;
        }

        var stream = OpenAppend(_path);
        lock (_gate)
        {
            if (_disposed)
            {
                stream.Dispose();
                return;
            }

            var old = _writer;
            _writer = CreateWriter(stream);
            old.Dispose();
        }
    }

    /// <summary>Writes to a stream, e.g. standard output when standard error has the console logger.</summary>
    internal MosquittoFileLoggerProvider(Stream stream, LoggingSettings settings, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(time);
        _writer = CreateWriter(stream);
        _settings = settings;
        _time = time;
    }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => _loggers.GetOrAdd(categoryName, static (_, provider) => new FileLogger(provider), this);

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _writer.Dispose();
        }
    }

    private static StreamWriter CreateWriter(Stream stream) =>
        new(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { AutoFlush = true };

    private static FileStream OpenAppend(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
    }

    private void Write(string line)
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                _writer.Write(line);
            }
        }
    }

    private sealed class FileLogger(MosquittoFileLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var settings = provider._settings;
            provider.Write(MosquittoConsoleFormatter.FormatLine(provider._time.GetUtcNow(), settings.Timestamp, settings.TimestampFormat, formatter(state, exception), exception));
        }
    }
}
