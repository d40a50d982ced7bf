using System.Collections.Concurrent;

namespace Tether.Broker;

/// <summary>
/// The last retained message per topic (§3.3.1.3). A concurrent dictionary: publishers replace entries without
/// a global lock, and subscribers scan it to find what their new filter matches.
/// </summary>
/// <remarks>
/// The store holds one reference to each message it keeps (see <see cref="ApplicationMessage"/>) and gives it
/// back when the message is replaced, cleared or found expired. A scan takes its own reference to each message
/// it returns; since a concurrent replace may release the last reference between reading an entry and taking
/// one, <see cref="ApplicationMessage.TryAddRef"/> is used and the entry is read again afterwards: only a
/// message that is still the topic's entry while referenced is returned (a recycled object that is the entry
/// again is then the topic's current message, which is as good).
/// </remarks>
internal sealed class RetainedMessageStore
{
    private readonly ConcurrentDictionary<string, ApplicationMessage> _messages = new(StringComparer.Ordinal);

    public int Count => _messages.Count;

    /// <summary>
    /// Stores or replaces the retained message of its topic; an empty payload deletes it [MQTT-3.3.1-6], [MQTT-3.3.1-7].
    /// The caller holds a reference; the store takes its own. The message's retain flag is not looked at: every
    /// delivery carries its own (OutboundItem), and retained deliveries are flagged retained there.
    /// </summary>
    public void Set(ApplicationMessage message)
    {
        var topic = message.Topic;
        if (message.Payload.IsEmpty)
        {
            if (_messages.TryRemove(topic, out var removed))
            {
                removed.Release();
            }

            return;
        }

        message.AddRef();
        while (true)
        {
            if (_messages.TryGetValue(topic, out var previous))
            {
                if (_messages.TryUpdate(topic, message, previous))
                {
                    previous.Release();
                    return;
                }
            }
            else if (_messages.TryAdd(topic, message))
            {
                return;
            }
        }
    }

    /// <summary>
    /// Retained messages whose topic matches <paramref name="filter"/>, each with a reference the caller must
    /// release; expired ones are removed on the way.
    /// </summary>
    public List<ApplicationMessage> Find(string filter, DateTimeOffset now)
    {
        var found = new List<ApplicationMessage>();
        foreach (var (topic, _) in _messages)
        {
            if (!TopicFilterMatcher.IsMatch(filter, topic) || !TryAcquire(topic, out var message))
            {
                continue;
            }

            if (message.IsExpired(now))
            {
                if (_messages.TryRemove(new KeyValuePair<string, ApplicationMessage>(topic, message)))
                {
                    message.Release();
                }

                message.Release();
                continue;
            }

            found.Add(message);
        }

        return found;
    }

    /// <summary>The current message of <paramref name="topic"/> with a reference taken, if there is one.</summary>
    private bool TryAcquire(string topic, out ApplicationMessage message)
    {
        while (_messages.TryGetValue(topic, out message!))
        {
            if (!message.TryAddRef())
            {
                continue;
            }

            if (_messages.TryGetValue(topic, out var current) && ReferenceEquals(current, message))
            {
                return true;
            }

            message.Release();
        }

        return false;
    }

    /// <summary>Every retained message (for tests); unreferenced, so only for a broker that is not publishing.</summary>
    public ICollection<ApplicationMessage> All => _messages.Values;
}
