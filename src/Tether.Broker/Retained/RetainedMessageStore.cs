using System.Collections.Concurrent;

namespace Tether.Broker;

/// <summary>
/// The last retained message per topic (§3.3.1.3). A concurrent dictionary: publishers replace entries without
/// a global lock, and subscribers scan it to find what their new filter matches.
/// </summary>
internal sealed class RetainedMessageStore
{
    private readonly ConcurrentDictionary<string, ApplicationMessage> _messages = new(StringComparer.Ordinal);

    public int Count => _messages.Count;

    /// <summary>Stores or replaces the retained message of its topic; an empty payload deletes it [MQTT-3.3.1-6], [MQTT-3.3.1-7].</summary>
    public void Set(ApplicationMessage message)
    {
        if (message.Payload.IsEmpty)
        {
            _messages.TryRemove(message.Topic, out _);
            return;
        }

        _messages[message.Topic] = message.WithRetain(true);
    }

    /// <summary>Retained messages whose topic matches <paramref name="filter"/>; expired ones are removed on the way.</summary>
    public List<ApplicationMessage> Find(string filter, DateTimeOffset now)
    {
        var found = new List<ApplicationMessage>();
        foreach (var (topic, message) in _messages)
        {
            if (message.IsExpired(now))
            {
                _messages.TryRemove(new KeyValuePair<string, ApplicationMessage>(topic, message));
                continue;
            }

            if (TopicFilterMatcher.IsMatch(filter, topic))
            {
                found.Add(message);
            }
        }

        return found;
    }

    /// <summary>Every retained message (for persistence and tests).</summary>
    public ICollection<ApplicationMessage> All => _messages.Values;
}
