using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Tether.Server;

// log_dest syslog: what glibc's syslog(3) does for Mosquitto, without P/Invoke. Each line is one RFC 3164 datagram
// on the local syslog socket (/dev/log): "<PRI>Mmm dd hh:mm:ss tether[PID]: LINE", PRI = facility * 8 + severity.
// The facility is daemon unless log_facility N chooses localN, and the severity is the one Mosquitto gives the
// message's type. LINE is the line as the other destinations write it (with its timestamp, as Mosquitto sends it).

/// <summary><c>log_dest syslog</c>: sends Mosquitto-format lines to the local syslog daemon.</summary>
public sealed class SyslogLoggerProvider : ILoggerProvider
{
    /// <summary>The local syslog socket on Linux.</summary>
    public const string DefaultSocketPath = "/dev/log";

    /// <summary>The daemon facility (RFC 5424 §6.2.1), Mosquitto's default.</summary>
    public const int DaemonFacility = 3;

    private readonly Lock _gate = new();
    private readonly string _socketPath;
    private readonly LoggingSettings _settings;
    private readonly TimeProvider _time;
    private readonly string _tag;
    private Socket _socket;

    /// <summary>Connects to the syslog socket.</summary>
    /// <param name="socketPath">The Unix datagram socket, usually <see cref="DefaultSocketPath"/>.</param>
    /// <param name="settings">Timestamp and facility settings.</param>
    /// <param name="time">The clock.</param>
    /// <exception cref="IOException">The socket cannot be reached (no syslog daemon, or not a Unix system).</exception>
    public SyslogLoggerProvider(string socketPath, LoggingSettings settings, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(time);
        _socketPath = socketPath;
        _settings = settings;
        _time = time;
        _tag = string.Create(CultureInfo.InvariantCulture, $"tether[{Environment.ProcessId}]: ");
        try
        {
            _socket = Connect(socketPath);
        }
        catch (Exception e) when (e is SocketException or PlatformNotSupportedException)
        {
            throw new IOException($"log_dest syslog: cannot reach the syslog socket {socketPath} ({e.Message}); is a syslog daemon (or journald) running? Use log_dest stderr under systemd instead.", e);
        }
    }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new SyslogLogger(this, categoryName);

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _socket.Dispose();
        }
    }

    /// <summary>The datagram for one line.</summary>
    internal static string Format(int facility, int severity, DateTimeOffset localTime, string tag, string line)
    {
        // RFC 3164 §4.1.2: the month abbreviation, the day padded with a space, and the time.
        var stamp = localTime.ToString("MMM", CultureInfo.InvariantCulture) + " "
            + localTime.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2) + " "
            + localTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"<{(facility * 8) + severity}>{stamp} {tag}{line}");
    }

    private static Socket Connect(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private void Send(MosquittoSeverity severity, string message)
    {
        var now = _time.GetUtcNow();
        var line = MosquittoConsoleFormatter.FormatLine(now, _settings.Timestamp, _settings.TimestampFormat, message, null).TrimEnd('\n');
        var datagram = Encoding.UTF8.GetBytes(Format(_settings.SyslogFacility, MosquittoSeverities.SyslogSeverity(severity), now.ToLocalTime(), _tag, line));
        lock (_gate)
        {
            try
            {
                _socket.Send(datagram);
            }
            catch (SocketException)
            {
                // The daemon restarted (its socket is new): reconnect once; if that fails too, the line is lost,
                // as with syslog(3).
                try
                {
                    _socket.Dispose();
                    _socket = Connect(_socketPath);
                    _socket.Send(datagram);
                }
                catch (SocketException)
                {
                }
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    private sealed class SyslogLogger(SyslogLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                var message = formatter(state, exception);
                if (exception is not null)
                {
                    message += $" ({exception.GetType().Name}: {exception.Message})";
                }

                provider.Send(MosquittoSeverities.Of(category, logLevel, eventId), message);
            }
        }
    }
}
