using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Tether.Broker;
using Tether.DurabilityBench;
using Tether.Server;

// Durable QoS 1 into persistent sessions, against the same load in memory, and the memory held by a large
// offline backlog. Usage (see BENCHMARKS.md):
//   dotnet run -c Release --project bench/Tether.DurabilityBench -- throughput [messages] [sessions] [publishers] [window]
//   dotnet run -c Release --project bench/Tether.DurabilityBench -- memory DIR [sessions] [messages per session]
//     (run twice with the same new DIR: the first run fills the store, the second measures a restart from it)
var mode = args.Length > 0 ? args[0] : "throughput";
int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;
using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(10));
var payload = new byte[64];
Random.Shared.NextBytes(payload);

if (mode == "throughput")
{
    var messages = Arg(1, 200_000);
    var sessions = Arg(2, 100);
    var publishers = Arg(3, 4);
    var window = Arg(4, 32);
    Console.WriteLine($"QoS 1, {payload.Length}-byte payload, {messages} messages to {sessions} offline persistent sessions (one topic each), {publishers} publishers with {window} in flight each");
    foreach (var persistence in new[] { false, true, false, true })
    {
        var directory = NewDirectory();
        try
        {
            await using var server = await StartAsync(directory, persistence);
            var topics = await CreateOfflineSessionsAsync(server, sessions, cancel.Token);

            // Warm-up (JIT, SQLite page cache), then the measured run.
            await PublishAsync(server, topics, messages / 10, publishers, window, payload, cancel.Token);
            var (elapsed, latencies) = await PublishAsync(server, topics, messages, publishers, window, payload, cancel.Token);
            Array.Sort(latencies);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"persistence {(persistence ? "true " : "false")}: {messages / elapsed.TotalSeconds,9:N0} msg/s; ack latency p50 {Milliseconds(latencies, 0.50):F2} ms, p99 {Milliseconds(latencies, 0.99):F2} ms, max {Milliseconds(latencies, 1.0):F2} ms"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
else if (mode == "memory" && args.Length > 1)
{
    // Each phase in its own process, so that one broker's memory does not count in the other's figure.
    var directory = args[1];
    var sessions = Arg(2, 1_000);
    var perSession = Arg(3, 1_000);
    var storeFile = Path.Combine(directory, PersistenceSettings.DefaultFileName);
    var restart = File.Exists(storeFile);
    Directory.CreateDirectory(directory);
    Console.WriteLine($"before the broker starts: {Resident()}");
    var stopwatch = Stopwatch.StartNew();
    await using var server = await StartAsync(directory, persistence: true);
    if (restart)
    {
        Console.WriteLine($"restarted from a {new FileInfo(storeFile).Length / 1048576.0:F0} MB store in {stopwatch.Elapsed.TotalSeconds:F1} s with {server.Broker.SessionCount} sessions; after restore: {Resident()}");
    }
    else
    {
        Console.WriteLine($"{sessions} offline persistent sessions, {perSession} queued {payload.Length}-byte QoS 1 messages each ({(long)sessions * perSession:N0} in all)");
        var topics = await CreateOfflineSessionsAsync(server, sessions, cancel.Token);
        await PublishAsync(server, topics, sessions * perSession, 4, 64, payload, cancel.Token);
        Console.WriteLine($"queued in {stopwatch.Elapsed.TotalSeconds:F1} s; broker running with the backlog: {Resident()}");
    }
}
else
{
    Console.Error.WriteLine("modes: throughput [messages] [sessions] [publishers] [window], memory DIR [sessions] [messages per session]");
    return 1;
}

return 0;

static string NewDirectory()
{
    var directory = Path.Combine(Path.GetTempPath(), "tether-bench-" + Guid.NewGuid().ToString("N"));
    Directory.CreateDirectory(directory);
    return directory;
}

static async Task<TetherServer> StartAsync(string directory, bool persistence)
{
    var configuration = new TetherConfiguration
    {
        Listeners = [new ListenerOptions { Port = 0, BindAddress = "127.0.0.1" }],
        Broker = BrokerOptions.Default with { MaxQueuedMessages = 0, ConnectionMessages = false, SysIntervalSeconds = 0 },
        Persistence = new PersistenceSettings(persistence, directory, null),
    };
    var server = new TetherServer(configuration, new TetherServerOptions { ConfigureLogging = logging => logging.ClearProviders() });
    await server.StartAsync(CancellationToken.None);
    return server;
}

static async Task<string[]> CreateOfflineSessionsAsync(TetherServer server, int sessions, CancellationToken cancellationToken)
{
    var topics = new string[sessions];
    for (var i = 0; i < sessions; i++)
    {
        topics[i] = "bench/" + i.ToString(CultureInfo.InvariantCulture);
        await using var client = await BenchClient.ConnectAsync(EndPoint(server), "bench-sub-" + i.ToString(CultureInfo.InvariantCulture), cleanSession: false, cancellationToken);
        await client.SubscribeAsync(topics[i], cancellationToken);
        await client.DisconnectAsync(cancellationToken);
    }

    return topics;
}

static async Task<(TimeSpan Elapsed, long[] Latencies)> PublishAsync(TetherServer server, string[] topics, int messages, int publishers, int window, byte[] payload, CancellationToken cancellationToken)
{
    var latencies = new long[messages];
    var clients = new BenchClient[publishers];
    for (var p = 0; p < publishers; p++)
    {
        clients[p] = await BenchClient.ConnectAsync(EndPoint(server), "bench-pub-" + p.ToString(CultureInfo.InvariantCulture), cleanSession: true, cancellationToken);
    }

    var stopwatch = Stopwatch.StartNew();
    var share = messages / publishers;
    var runs = new Task[publishers];
    for (var p = 0; p < publishers; p++)
    {
        var count = p == publishers - 1 ? messages - (share * p) : share;
        runs[p] = clients[p].PublishAsync(topics, p * 7, count, window, payload, latencies, share * p, cancellationToken);
    }

    await Task.WhenAll(runs);
    var elapsed = stopwatch.Elapsed;
    foreach (var client in clients)
    {
        await client.DisconnectAsync(cancellationToken);
        await client.DisposeAsync();
    }

    return (elapsed, latencies);
}

static IPEndPoint EndPoint(TetherServer server) => server.BoundListeners[0].EndPoint;

static double Milliseconds(long[] sorted, double quantile) =>
    sorted[Math.Min(sorted.Length - 1, (int)(quantile * sorted.Length))] * 1000.0 / Stopwatch.Frequency;

static string Resident()
{
    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    GC.WaitForPendingFinalizers();
    using var process = Process.GetCurrentProcess();
    return string.Create(CultureInfo.InvariantCulture, $"resident {process.WorkingSet64 / 1048576.0:F0} MB, managed heap {GC.GetTotalMemory(false) / 1048576.0:F0} MB");
}
