using Tether.Probe;

namespace Tether.Probe.Tests.Support;

/// <summary>Collects a probe's events as they are recorded and lets a test wait for one (bounded, no polling).</summary>
internal sealed class EventLog
{
    private readonly Lock _gate = new();
    private readonly List<ProbeEvent> _events = [];
    private readonly List<(Func<IReadOnlyList<ProbeEvent>, bool> Condition, TaskCompletionSource Done)> _waiters = [];

    public void Add(ProbeEvent recorded)
    {
        lock (_gate)
        {
            _events.Add(recorded);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Condition(_events))
                {
                    _waiters[i].Done.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    /// <summary>Waits until <paramref name="count"/> received events named <paramref name="name"/> have been recorded.</summary>
    public async Task WaitForReceivedAsync(string name, int count = 1)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool Condition(IReadOnlyList<ProbeEvent> events) => events.Count(e => e.Direction == ProbeDirection.Received && e.Name == name) >= count;
        lock (_gate)
        {
            if (Condition(_events))
            {
                return;
            }

            _waiters.Add((Condition, done));
        }

        try
        {
            await done.Task.WaitAsync(FakeWebSocketBroker.Timeout);
        }
        catch (TimeoutException)
        {
            lock (_gate)
            {
                throw new TimeoutException($"No {count} × {name}; events:\n" + string.Join("\n", _events));
            }
        }
    }
}
