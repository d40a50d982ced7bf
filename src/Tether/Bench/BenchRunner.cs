using System.Diagnostics;
using System.Globalization;
using Tether.Protocol;

namespace Tether.Bench;

/// <summary>
/// Runs one message scenario: connects every subscriber and publisher, sends through warm-up and measurement,
/// stops the publishers, waits for what is still on its way (the drain), closes everything and adds it up.
/// </summary>
internal static class BenchRunner
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    public static async Task<BenchReport> RunAsync(BenchOptions options, TextWriter progress, CancellationToken cancellationToken)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var topology = BenchTopology.For(options, tag);
        var gcBefore = GcCounts();

        var subscriberConnections = await ConnectAllAsync(options, topology.SubscriberCount, i => $"bench-{tag}-s{i}", cancellationToken).ConfigureAwait(false);
        var publisherConnections = await ConnectAllAsync(options, topology.PublisherCount, i => $"bench-{tag}-p{i}", cancellationToken).ConfigureAwait(false);
        for (var s = 0; s < topology.SubscriberCount; s++)
        {
            await subscriberConnections[s].SubscribeAsync(topology.SubscriberFilter(s), options.QoS, cancellationToken).ConfigureAwait(false);
        }

        var streams = new StreamTracker?[topology.SubscriberCount][];
        for (var s = 0; s < topology.SubscriberCount; s++)
        {
            streams[s] = new StreamTracker?[topology.PublisherCount];
            for (var p = 0; p < topology.PublisherCount; p++)
            {
                streams[s][p] = topology.Hears(s, p) ? new StreamTracker() : null;
            }
        }

        var clock = new BenchClock(options.Warmup, options.Duration);
        var publishers = new BenchPublisher[topology.PublisherCount];
        for (var p = 0; p < publishers.Length; p++)
        {
            var heardBy = new List<StreamTracker>();
            for (var s = 0; s < topology.SubscriberCount; s++)
            {
                if (streams[s][p] is { } stream)
                {
                    heardBy.Add(stream);
                }
            }

            // The window bounds what is in flight towards one subscriber: a subscriber hearing many publishers shares it.
            var busiest = 1;
            for (var s = 0; s < topology.SubscriberCount; s++)
            {
                if (streams[s][p] is not null)
                {
                    busiest = Math.Max(busiest, topology.PublishersHeardBy(s));
                }
            }

            var window = Math.Max(1, options.Window / busiest);
            publishers[p] = new BenchPublisher(p, publisherConnections[p], topology.PublisherTopic(p), clock, options, [.. heardBy], window);
        }

        var subscribers = new BenchSubscriber[topology.SubscriberCount];
        for (var s = 0; s < subscribers.Length; s++)
        {
            var heard = new BenchPublisher?[publishers.Length];
            for (var p = 0; p < publishers.Length; p++)
            {
                heard[p] = streams[s][p] is null ? null : publishers[p];
            }

            subscribers[s] = new BenchSubscriber(subscriberConnections[s], clock, streams[s], heard);
        }

        using var closing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var receiving = new List<Task>();
        foreach (var subscriber in subscribers)
        {
            receiving.Add(Task.Run(() => subscriber.ReceiveAsync(closing.Token), CancellationToken.None));
        }

        foreach (var publisher in publishers)
        {
            receiving.Add(Task.Run(() => publisher.ReceiveAsync(closing.Token), CancellationToken.None));
        }

        var sending = new Task[publishers.Length];
        for (var p = 0; p < publishers.Length; p++)
        {
            var publisher = publishers[p];
            sending[p] = Task.Run(() => publisher.SendAsync(closing.Token), CancellationToken.None);
        }

        using var background = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var ticker = TickAsync(publishers, options.Rate > 0 ? TimeSpan.FromMilliseconds(1) : TimeSpan.FromMilliseconds(10), background.Token);
        var reporter = options.Progress ? ReportProgressAsync(progress, clock, publishers, subscribers, background.Token) : Task.CompletedTask;

        var toolPid = Environment.ProcessId;
        await using var brokerGc = BrokerGcMonitor.TryStart(options.BrokerPid);
        await DelayUntilAsync(clock.MeasureStart, cancellationToken).ConfigureAwait(false);
        brokerGc?.BeginWindow();
        var toolCpuStart = ProcessStats.CpuSeconds(toolPid);
        var brokerCpuStart = options.BrokerPid > 0 ? ProcessStats.CpuSeconds(options.BrokerPid) : null;
        await DelayUntilAsync(clock.MeasureEnd, cancellationToken).ConfigureAwait(false);
        brokerGc?.EndWindow();
        var toolCpuEnd = ProcessStats.CpuSeconds(toolPid);
        var brokerCpuEnd = options.BrokerPid > 0 ? ProcessStats.CpuSeconds(options.BrokerPid) : null;
        var brokerRss = options.BrokerPid > 0 ? ProcessStats.ResidentBytes(options.BrokerPid) : null;
        var brokerGcCounts = brokerGc is null ? null : await brokerGc.StopAsync().ConfigureAwait(false);

        clock.Stop();
        await Task.WhenAll(sending).ConfigureAwait(false);
        await DrainAsync(options, publishers, streams, cancellationToken).ConfigureAwait(false);
        await background.CancelAsync().ConfigureAwait(false);
        await ticker.ConfigureAwait(false);
        await reporter.ConfigureAwait(false);

        await CloseAsync(publishers, subscribers, receiving, closing).ConfigureAwait(false);

        var seconds = options.Duration.TotalSeconds;
        var latency = new LatencyHistogram();
        long sentMeasured = 0, receivedMeasured = 0, expected = 0, received = 0, duplicates = 0, reordered = 0, foreign = 0;
        foreach (var publisher in publishers)
        {
            sentMeasured += publisher.SentMeasured;
        }

        for (var s = 0; s < subscribers.Length; s++)
        {
            var subscriber = subscribers[s];
            receivedMeasured += subscriber.ReceivedMeasured;
            foreign += subscriber.Foreign;
            latency.Add(subscriber.Latency);
            for (var p = 0; p < publishers.Length; p++)
            {
                if (streams[s][p] is { } stream)
                {
                    expected += publishers[p].Sent;
                    received += stream.Unique;
                    duplicates += stream.Duplicates;
                    reordered += stream.Reordered;
                }
            }
        }

        var gcAfter = GcCounts();
        return new BenchReport
        {
            Options = options,
            PublisherCount = publishers.Length,
            SubscriberCount = subscribers.Length,
            SentPerSecond = sentMeasured / seconds,
            ReceivedPerSecond = receivedMeasured / seconds,
            Expected = expected,
            Received = received,
            Duplicates = duplicates,
            Reordered = reordered,
            Foreign = foreign,
            LatencyP50 = BenchClock.ToMicroseconds(latency.ValueAtPercentile(50)),
            LatencyP99 = BenchClock.ToMicroseconds(latency.ValueAtPercentile(99)),
            LatencyP999 = BenchClock.ToMicroseconds(latency.ValueAtPercentile(99.9)),
            LatencyMax = BenchClock.ToMicroseconds(latency.Max),
            LatencySamples = latency.Count,
            ToolCpu = toolCpuEnd - toolCpuStart is { } toolCpu ? toolCpu / seconds : 0,
            BrokerCpu = brokerCpuEnd - brokerCpuStart is { } brokerCpu ? brokerCpu / seconds : null,
            BrokerRss = brokerRss,
            BrokerGcCounts = brokerGcCounts,
            ToolGcCounts = [gcAfter[0] - gcBefore[0], gcAfter[1] - gcBefore[1], gcAfter[2] - gcBefore[2]],
        };
    }

    /// <summary>
    /// Sends DISCONNECT on every connection and waits for the broker to close them, which ends the receive loops;
    /// loops still running after <see cref="CloseTimeout"/> are cancelled.
    /// </summary>
    private static async Task CloseAsync(BenchPublisher[] publishers, BenchSubscriber[] subscribers, List<Task> receiving, CancellationTokenSource closing)
    {
        var disconnecting = new List<Task>();
        foreach (var subscriber in subscribers)
        {
            disconnecting.Add(subscriber.DisconnectAsync());
        }

        foreach (var publisher in publishers)
        {
            disconnecting.Add(publisher.Connection.DisconnectAsync());
        }

        await Task.WhenAll(disconnecting).ConfigureAwait(false);
        try
        {
            await Task.WhenAll(receiving).WaitAsync(CloseTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await closing.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(receiving).ConfigureAwait(false);
        }

        foreach (var subscriber in subscribers)
        {
            await subscriber.Connection.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var publisher in publishers)
        {
            await publisher.Connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal static async Task<BenchConnection[]> ConnectAllAsync(BenchOptions options, int count, Func<int, string> clientId, CancellationToken cancellationToken)
    {
        var connecting = new Task<BenchConnection>[count];
        for (var i = 0; i < count; i++)
        {
            connecting[i] = BenchConnection.ConnectAsync(options.Endpoint, options.Version, clientId(i), cancellationToken);
        }

        try
        {
            return await Task.WhenAll(connecting).ConfigureAwait(false);
        }
        catch
        {
            foreach (var task in connecting)
            {
                if (task.IsCompletedSuccessfully)
                {
                    await task.Result.DisposeAsync().ConfigureAwait(false);
                }
            }

            throw;
        }
    }

    /// <summary>Waits until every stream has received everything its publisher sent (and QoS 1 is acknowledged), or the drain time is up.</summary>
    private static async Task DrainAsync(BenchOptions options, BenchPublisher[] publishers, StreamTracker?[][] streams, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + BenchClock.ToTicks(options.Drain);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (IsComplete(options, publishers, streams))
            {
                return;
            }

            await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool IsComplete(BenchOptions options, BenchPublisher[] publishers, StreamTracker?[][] streams)
    {
        foreach (var row in streams)
        {
            for (var p = 0; p < row.Length; p++)
            {
                if (row[p] is { } stream && stream.Unique < publishers[p].Sent)
                {
                    return false;
                }
            }
        }

        if (options.QoS != QualityOfService.AtMostOnce)
        {
            foreach (var publisher in publishers)
            {
                if (publisher.Acknowledged < publisher.Sent)
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Wakes every publisher regularly: its rate allows more, or a stalled QoS 0 window may be written off.</summary>
    private static async Task TickAsync(BenchPublisher[] publishers, TimeSpan period, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(period);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var publisher in publishers)
                {
                    publisher.Signal.Set();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            // Let a publisher still waiting see that sending has stopped.
            foreach (var publisher in publishers)
            {
                publisher.Signal.Set();
            }
        }
    }

    private static async Task ReportProgressAsync(TextWriter progress, BenchClock clock, BenchPublisher[] publishers, BenchSubscriber[] subscribers, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(ProgressInterval);
        long lastSent = 0, lastReceived = 0;
        var lastTime = Stopwatch.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                long sent = 0, received = 0, deliveries = 0;
                foreach (var publisher in publishers)
                {
                    var publisherSent = publisher.Sent;
                    sent += publisherSent;
                    deliveries += publisherSent * publisher.SubscriberCount;
                }

                foreach (var subscriber in subscribers)
                {
                    received += subscriber.Received;
                }

                var now = Stopwatch.GetTimestamp();
                var elapsed = (now - lastTime) / (double)Stopwatch.Frequency;
                var phase = clock.StopSending ? "drain" : now < clock.MeasureStart ? "warm-up" : "measure";
                await progress.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"[{(now - clock.Start) / (double)Stopwatch.Frequency,5:F1}s {phase,-7}] sent {(sent - lastSent) / elapsed,12:N0} msg/s  received {(received - lastReceived) / elapsed,12:N0} msg/s  in flight {deliveries - received,9:N0}")).ConfigureAwait(false);
                (lastSent, lastReceived, lastTime) = (sent, received, now);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task DelayUntilAsync(long timestamp, CancellationToken cancellationToken)
    {
        var remaining = timestamp - Stopwatch.GetTimestamp();
        if (remaining > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds(remaining / (double)Stopwatch.Frequency), cancellationToken).ConfigureAwait(false);
        }
    }

    private static int[] GcCounts() => [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
}
