using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Tether.Protocol;

namespace Tether.Bench;

/// <summary>
/// The <c>conn</c> scenario: opens many connections (CONNECT, clean session, keep alive 0, then CONNACK), holds
/// them idle for the run's duration and closes them. With a broker PID it reads the broker's resident memory
/// before and after, giving the memory each idle connection costs. Plain sockets without pipes keep the load
/// tool itself small at tens of thousands of connections.
/// </summary>
internal static class ConnRunner
{
    // Connection attempts in progress at once: enough to measure the broker's accept rate, not a SYN flood.
    private const int ConcurrentAttempts = 64;

    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);

    public static async Task<ConnReport> RunAsync(BenchOptions options, TextWriter progress, CancellationToken cancellationToken)
    {
        if (options.Endpoint.IsWebSocket)
        {
            throw new BenchException("The conn scenario opens TCP connections: give an mqtt:// URL.");
        }

        var tag = Guid.NewGuid().ToString("N")[..8];
        var rssBefore = options.BrokerPid > 0 ? ProcessStats.ResidentBytes(options.BrokerPid) : null;
        var sockets = new Socket?[options.Connections];
        var failed = 0;
        string? firstError = null;
        var next = -1;
        var started = Stopwatch.GetTimestamp();

        async Task WorkAsync()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < sockets.Length)
            {
                try
                {
                    sockets[i] = await OpenAsync(options, $"bench-{tag}-c{i}", cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is SocketException or IOException or BenchException or TimeoutException)
                {
                    if (Interlocked.Increment(ref failed) == 1)
                    {
                        firstError = e.Message;
                    }
                }

                if (options.Progress && (i + 1) % 5000 == 0)
                {
                    await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"[conn] {i + 1:N0} of {sockets.Length:N0} attempted")).ConfigureAwait(false);
                }
            }
        }

        var workers = new Task[Math.Min(ConcurrentAttempts, Math.Max(1, options.Connections))];
        for (var w = 0; w < workers.Length; w++)
        {
            workers[w] = Task.Run(WorkAsync, CancellationToken.None);
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
        var elapsed = (Stopwatch.GetTimestamp() - started) / (double)Stopwatch.Frequency;
        var opened = options.Connections - failed;

        // The broker may still be finishing the last sessions' bookkeeping; then the connections sit idle.
        await Task.Delay(Settle, cancellationToken).ConfigureAwait(false);
        var rssAfter = options.BrokerPid > 0 ? ProcessStats.ResidentBytes(options.BrokerPid) : null;
        if (options.Progress)
        {
            await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"[conn] {opened:N0} open, holding them for {options.Duration.TotalSeconds:N0} s")).ConfigureAwait(false);
        }

        await Task.Delay(options.Duration, cancellationToken).ConfigureAwait(false);
        foreach (var socket in sockets)
        {
            socket?.Dispose();
        }

        return new ConnReport
        {
            Options = options,
            Opened = opened,
            Failed = failed,
            FirstError = firstError,
            ConnectsPerSecond = opened / elapsed,
            BrokerRssBefore = rssBefore,
            BrokerRssAfter = rssAfter,
        };
    }

    private static async Task<Socket> OpenAsync(BenchOptions options, string clientId, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(options.Endpoint.Host, options.Endpoint.Port, cancellationToken).ConfigureAwait(false);
            var connect = new ArrayBufferWriter<byte>(64);
            MqttPacketWriter.Write(connect, new ConnectPacket { ProtocolVersion = options.Version, CleanSession = true, KeepAliveSeconds = 0, ClientId = clientId }, options.Version);
            await socket.SendAsync(connect.WrittenMemory, SocketFlags.None, cancellationToken).ConfigureAwait(false);

            // CONNACK: 4 bytes in 3.1.1; in 5.0 a few more with properties. Read the fixed header, then the rest.
            var buffer = new byte[256];
            var read = 0;
            var total = int.MaxValue;
            while (read < total)
            {
                var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    throw new BenchException("the broker closed the connection before CONNACK");
                }

                read += n;
                if (read >= 2 && total == int.MaxValue)
                {
                    if (buffer[0] != 0x20 || buffer[1] >= 0x80)
                    {
                        throw new BenchException("the broker answered CONNECT with something other than a short CONNACK");
                    }

                    total = 2 + buffer[1];
                }
            }

            if (total < 4 || buffer[3] != 0)
            {
                throw new BenchException(string.Create(CultureInfo.InvariantCulture, $"the broker refused the connection (code {(total >= 4 ? buffer[3] : -1)})"));
            }

            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
