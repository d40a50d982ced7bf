using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Tether.Server.Tests.Hosting;

/// <summary>Starts servers on 127.0.0.1 with a free port and captures their log lines.</summary>
internal static class TestServers
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>The MQTT 3.1.1 CONNECT of the brief: client id "", clean session, keep alive 60.</summary>
    public static readonly byte[] Connect311 = [0x10, 0x0C, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3C, 0x00, 0x00];

    public static readonly byte[] ConnAckAccepted = [0x20, 0x02, 0x00, 0x00];

    public static TetherConfiguration Loopback(int maxConnections = -1) => new()
    {
        Listeners = [new ListenerOptions { Port = 0, BindAddress = "127.0.0.1", MaxConnections = maxConnections }],
    };

    public static async Task<TetherServer> StartAsync(TetherConfiguration configuration, ConcurrentQueue<string>? log = null)
    {
        var server = new TetherServer(configuration, new TetherServerOptions
        {
            ShutdownTimeout = TimeSpan.FromSeconds(5),
            ConfigureLogging = logging =>
            {
                logging.ClearProviders();
                if (log is not null)
                {
                    logging.AddProvider(new QueueLoggerProvider(log));
                }
            },
        });
        try
        {
            await server.StartAsync(CancellationToken.None).WaitAsync(Timeout);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public static IPEndPoint EndPoint(this TetherServer server) => server.BoundListeners[0].EndPoint;

    public static async Task<Socket> ConnectRawAsync(IPEndPoint endPoint)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endPoint).WaitAsync(Timeout);
        return socket;
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes, or fewer if the peer closes.</summary>
    public static async Task<byte[]> ReadAsync(Socket socket, int count)
    {
        var buffer = new byte[count];
        var read = 0;
        while (read < count)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read)).AsTask().WaitAsync(Timeout);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return buffer[..read];
    }

    private sealed class QueueLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new QueueLogger(lines);

        public void Dispose()
        {
        }

        private sealed class QueueLogger(ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue(formatter(state, exception));
        }
    }
}
