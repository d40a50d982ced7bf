using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Xunit.Abstractions;

namespace Tether.Crash.Tests;

/// <summary>
/// The durability contract under SIGKILL: publishers send numbered QoS 1 and QoS 2 messages to offline persistent
/// subscribers while the broker process is killed at a random moment; after a restart, every message whose PUBACK
/// (QoS 1) or PUBCOMP (QoS 2) the publisher received is delivered at least once, QoS 2 exactly once.
/// </summary>
public sealed class Crash_Tests(ITestOutputHelper output) : IDisposable
{
    private const int Rounds = 5;
    private const int PublishersPerQoS = 4;
    private const int MaxMessagesPerPublisher = 5_000;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tether-crash-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Every_acknowledged_message_survives_sigkill_qos1_at_least_once_qos2_exactly_once()
    {
        Directory.CreateDirectory(_directory);
        var random = new Random();
        var totals = new int[4];
        for (var round = 0; round < Rounds; round++)
        {
            // Kill once this many acknowledgements have come back: a random point in the middle of the traffic.
            var killAfter = random.Next(200, 1500);
            var (acked1, acked2, attempted) = await PublishUntilKilledAsync(round, killAfter);

            using var broker = await BrokerProcess.StartAsync(_directory);
            var (received1, received2) = await DrainAsync(broker, round, acked1, acked2);

            var missing1 = acked1.Where(id => !received1.ContainsKey(id)).Order().ToList();
            var missing2 = acked2.Where(id => !received2.ContainsKey(id)).Order().ToList();
            var duplicated2 = received2.Where(p => p.Value > 1).Select(p => p.Key).Order().ToList();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round}: killed after {killAfter} acks; attempted {attempted}; QoS 1 acked {acked1.Count}, delivered {received1.Count} distinct ({received1.Values.Sum()} total), missing {missing1.Count}; " +
                $"QoS 2 acked {acked2.Count}, delivered {received2.Count} distinct, duplicated {duplicated2.Count}, missing {missing2.Count}"));
            Assert.True(missing1.Count == 0, $"round {round}: acknowledged QoS 1 messages lost: {string.Join(',', missing1.Take(20))}\n{broker.Output}");
            Assert.True(missing2.Count == 0, $"round {round}: acknowledged QoS 2 messages lost: {string.Join(',', missing2.Take(20))}");
            Assert.True(duplicated2.Count == 0, $"round {round}: QoS 2 messages delivered twice: {string.Join(',', duplicated2.Take(20))}");
            totals[0] += acked1.Count;
            totals[1] += acked2.Count;
            totals[2] += received1.Count;
            totals[3] += received2.Count;
            await broker.StopAsync();
        }

        output.WriteLine($"{Rounds} rounds: QoS 1 acked {totals[0]}, delivered {totals[2]} distinct; QoS 2 acked {totals[1]}, delivered {totals[3]} distinct, none twice");
    }

    /// <summary>Starts the broker, makes sure both subscribers' sessions exist offline, publishes until the kill.</summary>
    private async Task<(HashSet<int> Acked1, HashSet<int> Acked2, int Attempted)> PublishUntilKilledAsync(int round, int killAfter)
    {
        using var broker = await BrokerProcess.StartAsync(_directory);
        foreach (var (clientId, qos) in Subscribers)
        {
            using var subscriber = await ConnectAsync(broker, clientId, persistent: true);
            await subscriber.SubscribeAsync($"crash/{(int)qos}/#", qos).WaitAsync(Timeout);
            await subscriber.DisconnectAsync().WaitAsync(Timeout);
        }

        var acked1 = new ConcurrentDictionary<int, byte>();
        var acked2 = new ConcurrentDictionary<int, byte>();
        var acknowledgements = 0;
        var attempted = 0;
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clients = new List<IMqttClient>();
        var loops = new List<Task>();
        for (var p = 0; p < PublishersPerQoS * 2; p++)
        {
            var qos = p % 2 == 0 ? MqttQualityOfServiceLevel.AtLeastOnce : MqttQualityOfServiceLevel.ExactlyOnce;
            var acked = qos == MqttQualityOfServiceLevel.AtLeastOnce ? acked1 : acked2;
            var client = await ConnectAsync(broker, $"crash-pub-{round}-{p}", persistent: false);
            clients.Add(client);
            var publisher = p / 2;
            loops.Add(Task.Run(async () =>
            {
                for (var n = 0; n < MaxMessagesPerPublisher && !killed.Task.IsCompleted; n++)
                {
                    // Ids are unique per round and QoS: publisher index in the high part.
                    var id = (publisher * MaxMessagesPerPublisher) + n;
                    var message = new MqttApplicationMessageBuilder()
                        .WithTopic($"crash/{(int)qos}/{round}/{id}")
                        .WithPayload(id.ToString(CultureInfo.InvariantCulture))
                        .WithQualityOfServiceLevel(qos)
                        .Build();
                    Interlocked.Increment(ref attempted);
                    try
                    {
                        var result = await client.PublishAsync(message).WaitAsync(Timeout);
                        if (!result.IsSuccess)
                        {
                            return;
                        }
                    }
                    catch (Exception e) when (killed.Task.IsCompleted || e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or TimeoutException or InvalidOperationException)
                    {
                        // After the kill the client library may fail a pending request in any way
                        // (MQTTnet 5 has been seen to throw NullReferenceException); none of those counts as acknowledged.
                        return;
                    }

                    acked.TryAdd(id, 0);
                    if (Interlocked.Increment(ref acknowledgements) == killAfter)
                    {
                        // Marked before the kill so that every failure the kill causes is seen as expected.
                        killed.TrySetResult();
                        broker.Kill();
                    }
                }
            }));
        }

        await Task.WhenAll(loops).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(killed.Task.IsCompleted, "the publishers finished before the kill point");
        foreach (var client in clients)
        {
            client.Dispose();
        }

        return ([.. acked1.Keys], [.. acked2.Keys], attempted);
    }

    /// <summary>Reconnects both subscribers and collects this round's messages until every acknowledged one arrived.</summary>
    private static async Task<(Dictionary<int, int> Received1, Dictionary<int, int> Received2)> DrainAsync(BrokerProcess broker, int round, HashSet<int> acked1, HashSet<int> acked2)
    {
        var received = new[] { new ConcurrentDictionary<int, int>(), new ConcurrentDictionary<int, int>() };
        var clients = new List<IMqttClient>();
        try
        {
            for (var s = 0; s < Subscribers.Length; s++)
            {
                var (clientId, _) = Subscribers[s];
                var counts = received[s];
                var expected = s == 0 ? acked1 : acked2;
                var complete = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var client = new MqttClientFactory().CreateMqttClient();
                clients.Add(client);
                client.ApplicationMessageReceivedAsync += e =>
                {
                    var levels = e.ApplicationMessage.Topic.Split('/');
                    if (levels[2] == round.ToString(CultureInfo.InvariantCulture))
                    {
                        counts.AddOrUpdate(int.Parse(levels[3], CultureInfo.InvariantCulture), 1, (_, c) => c + 1);
                    }

                    if (expected.All(counts.ContainsKey))
                    {
                        complete.TrySetResult();
                    }

                    return Task.CompletedTask;
                };
                await ConnectAsync(client, broker, clientId, persistent: true);
                if (expected.Count > 0)
                {
                    await complete.Task.WaitAsync(Timeout).ContinueWith(_ => { }, TaskScheduler.Default);
                }
            }

            // Exactly once also means nothing more arrives later: a last round trip lets any duplicate in the pipe land.
            foreach (var client in clients)
            {
                await client.PingAsync().WaitAsync(Timeout);
                await client.DisconnectAsync().WaitAsync(Timeout);
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }

        return (new Dictionary<int, int>(received[0]), new Dictionary<int, int>(received[1]));
    }

    private static readonly (string ClientId, MqttQualityOfServiceLevel QoS)[] Subscribers =
    [
        ("crash-sub-qos1", MqttQualityOfServiceLevel.AtLeastOnce),
        ("crash-sub-qos2", MqttQualityOfServiceLevel.ExactlyOnce),
    ];

    private static async Task<IMqttClient> ConnectAsync(BrokerProcess broker, string clientId, bool persistent)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        await ConnectAsync(client, broker, clientId, persistent);
        return client;
    }

    private static async Task ConnectAsync(IMqttClient client, BrokerProcess broker, string clientId, bool persistent)
    {
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", broker.Port)
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithClientId(clientId)
            .WithCleanSession(!persistent)
            .WithTimeout(Timeout)
            .Build();
        var result = await client.ConnectAsync(options).WaitAsync(Timeout);
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
    }
}
