namespace Tether.Bench;

/// <summary>
/// Who publishes on which topic and who hears whom, for one message scenario. Topics carry a per-run tag so
/// that runs against the same broker never see each other's messages.
/// </summary>
internal sealed class BenchTopology
{
    private BenchTopology(string tag, int publishers, int subscribers, Func<int, int, bool> hears, Func<int, string> publisherTopic, Func<int, string> subscriberFilter)
    {
        Tag = tag;
        PublisherCount = publishers;
        SubscriberCount = subscribers;
        Hears = hears;
        PublisherTopic = publisherTopic;
        SubscriberFilter = subscriberFilter;
    }

    public string Tag { get; }

    public int PublisherCount { get; }

    public int SubscriberCount { get; }

    /// <summary>Whether subscriber s (first argument) receives the messages of publisher p (second argument).</summary>
    public Func<int, int, bool> Hears { get; }

    public Func<int, string> PublisherTopic { get; }

    /// <summary>How many publishers subscriber <paramref name="subscriber"/> receives from.</summary>
    public int PublishersHeardBy(int subscriber)
    {
        var count = 0;
        for (var p = 0; p < PublisherCount; p++)
        {
            if (Hears(subscriber, p))
            {
                count++;
            }
        }

        return count;
    }

    public Func<int, string> SubscriberFilter { get; }

    public static BenchTopology For(BenchOptions options, string tag)
    {
        var root = "bench/" + tag + "/";
        return options.Scenario switch
        {
            BenchScenario.Pairs => new BenchTopology(tag, options.Pairs, options.Pairs, (s, p) => s == p, p => root + p, s => root + s),
            BenchScenario.FanIn => new BenchTopology(tag, options.Publishers, 1, (_, _) => true, p => root + p, _ => root + "+"),
            BenchScenario.FanOut => new BenchTopology(tag, 1, options.Subscribers, (_, _) => true, _ => root + "0", _ => root + "0"),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Scenario, "not a message scenario"),
        };
    }
}
