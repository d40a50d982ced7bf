using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace Tether.Bench;

/// <summary>
/// Counts a .NET broker's garbage collections (Tether, MQTTnet's server) by generation during the measurement, from
/// the GCStart events of its runtime, read over the runtime's diagnostics channel (EventPipe, the one dotnet-counters
/// and dotnet-trace use). A broker that is not a .NET process, or does not answer, gives no figure, never a failed
/// run.
/// </summary>
/// <remarks>
/// Events reach the stream in buffered batches, later than they happened, so each collection is kept with its own
/// timestamp and the window is applied at the end. Only the GC keyword at informational level is enabled: one event
/// per collection, no allocation sampling, nothing that would slow the broker being measured.
/// </remarks>
internal sealed class BrokerGcMonitor : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly EventPipeSession _session;
    private readonly Task _reading;
    private readonly ConcurrentQueue<(DateTime At, int Generation)> _collections = new();
    private DateTime _windowStart = DateTime.MaxValue;
    private DateTime _windowEnd = DateTime.MaxValue;

    private BrokerGcMonitor(EventPipeSession session)
    {
        _session = session;

        // Reading the stream blocks (the source's constructor reads its header, Process() returns when the session
        // ends): on a thread of its own, never on the thread pool, which in a load tool pinned to one core has a single
        // worker; blocking it stalled the whole tool until the pool added a thread (about a second, and the latency
        // figures with it).
        var reading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _reading = reading.Task;
        var thread = new Thread(() =>
        {
            try
            {
                using var source = new EventPipeEventSource(session.EventStream);
                source.Clr.GCStart += data => _collections.Enqueue((data.TimeStamp, data.Depth));
                source.Process();
                reading.TrySetResult();
            }
            catch (Exception e)
            {
                reading.TrySetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "broker GC events",
        };
        thread.Start();
    }

    /// <summary>Starts listening to the process <paramref name="pid"/>; null when it is not a .NET process that answers.</summary>
    public static BrokerGcMonitor? TryStart(int pid)
    {
        if (pid <= 0 || !DiagnosticsClient.GetPublishedProcesses().Contains(pid))
        {
            return null;
        }

        try
        {
            var provider = new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, (long)ClrTraceEventParser.Keywords.GC);
            var session = new DiagnosticsClient(pid).StartEventPipeSession(provider, requestRundown: false, circularBufferMB: 16);
            return new BrokerGcMonitor(session);
        }
        catch (Exception e) when (e is ServerNotAvailableException or UnsupportedCommandException or ServerErrorException or IOException or TimeoutException)
        {
            return null;
        }
    }

    /// <summary>The measurement starts now.</summary>
    public void BeginWindow() => _windowStart = DateTime.Now;

    /// <summary>The measurement ends now.</summary>
    public void EndWindow() => _windowEnd = DateTime.Now;

    /// <summary>
    /// Stops listening and returns the collections inside the window (gen 0, 1, 2), or null when the stream could not be
    /// read to its end.
    /// </summary>
    public async Task<int[]?> StopAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(StopTimeout);
            await _session.StopAsync(timeout.Token).ConfigureAwait(false);
            await _reading.WaitAsync(StopTimeout).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ServerNotAvailableException or ServerErrorException or IOException or TimeoutException or OperationCanceledException)
        {
            return null;
        }

        var counts = new int[3];
        foreach (var (at, generation) in _collections)
        {
            if (at >= _windowStart && at <= _windowEnd && generation is >= 0 and <= 2)
            {
                counts[generation]++;
            }
        }

        return counts;
    }

    public async ValueTask DisposeAsync()
    {
        _session.Dispose();
        try
        {
            await _reading.WaitAsync(StopTimeout).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or IOException or EndOfStreamException)
        {
            // The stream is gone with the session; what it had is no longer wanted.
        }
    }
}
