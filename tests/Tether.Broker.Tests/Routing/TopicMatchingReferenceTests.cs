using System.Text;
using Tether.Broker.Routing;

namespace Tether.Broker.Tests.Routing;

/// <summary>
/// The tree agrees with <see cref="ReferenceTopicMatcher"/> on random filters and topics drawn from a
/// small alphabet (so collisions, empty levels, '$' levels and wildcards are all frequent).
/// </summary>
public class TopicMatchingReferenceTests
{
    private const int Seed = 20_250_601;
    private const int FilterCount = 400;
    private const int TopicCount = 2_000; // 400 x 2,000 = 800,000 filter/topic pairs compared.
    private const int MaxLevels = 5;

    private static readonly string[] TopicLevels = ["a", "b", "ab", "", "$SYS", "$x", "B"];

    [Fact]
    public void Tree_agrees_with_the_reference_matcher_on_random_pairs()
    {
        var random = new Random(Seed);
        var filters = new HashSet<string>(StringComparer.Ordinal);
        while (filters.Count < FilterCount)
        {
            var filter = RandomFilter(random);
            if (filter.Length > 0)
            {
                // Topic filters and names are at least one character [MQTT-4.7.3-1].
                filters.Add(filter);
            }
        }

        var tree = new TopicTree<TestSubscriber, int>();
        var subscriber = new TestSubscriber("s");
        foreach (var filter in filters)
        {
            tree.Subscribe(filter, subscriber, 0);
            tree.Subscribe("$share/g/" + filter, subscriber, 0);
        }

        Assert.Equal(2 * FilterCount, tree.Count);

        var pairs = 0;
        for (var i = 0; i < TopicCount; i++)
        {
            var topic = RandomTopic(random);
            if (topic.Length == 0)
            {
                topic = "/";
            }

            var expected = filters.Where(f => ReferenceTopicMatcher.Matches(f, topic)).Order(StringComparer.Ordinal).ToArray();
            pairs += filters.Count;

            var seen = new CollectingVisitor();
            tree.Match(Encoding.UTF8.GetBytes(topic), ref seen);

            var actual = seen.Subscriptions.Select(s => s.Filter).Order(StringComparer.Ordinal).ToArray();
            var actualShared = seen.Groups.Select(g => g.Group.TopicFilter).Order(StringComparer.Ordinal).ToArray();
            Assert.True(expected.SequenceEqual(actual), $"topic '{topic}': expected [{string.Join(", ", expected)}], tree gave [{string.Join(", ", actual)}]");
            Assert.True(expected.SequenceEqual(actualShared), $"topic '{topic}' (shared): expected [{string.Join(", ", expected)}], tree gave [{string.Join(", ", actualShared)}]");
        }

        Assert.True(pairs >= 20_000);
    }

    private static string RandomTopic(Random random)
    {
        var levels = new string[random.Next(1, MaxLevels + 1)];
        for (var i = 0; i < levels.Length; i++)
        {
            levels[i] = TopicLevels[random.Next(TopicLevels.Length)];
        }

        return string.Join('/', levels);
    }

    private static string RandomFilter(Random random)
    {
        var levels = new string[random.Next(1, MaxLevels + 1)];
        for (var i = 0; i < levels.Length; i++)
        {
            var roll = random.Next(10);
            levels[i] = roll switch
            {
                < 3 => "+",
                // '#' only as the last level, as the codec guarantees [MQTT-4.7.1-2].
                3 when i == levels.Length - 1 => "#",
                _ => TopicLevels[random.Next(TopicLevels.Length)],
            };
        }

        return string.Join('/', levels);
    }
}
