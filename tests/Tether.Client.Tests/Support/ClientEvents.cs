using System.Collections.Concurrent;

namespace Tether.Client.Tests.Support;

/// <summary>Records a client's events and lets a test wait (bounded) for the next one of a kind.</summary>
internal sealed class ClientEvents
{
    private readonly Lock _gate = new();
    private readonly List<(Func<EventArgs, bool> Match, TaskCompletionSource<EventArgs> Found)> _waiters = [];

    public ClientEvents(MqttClient client)
    {
        client.Connected += (_, e) => Record(e);
        client.Disconnected += (_, e) => Record(e);
        client.Reconnecting += (_, e) => Record(e);
    }

    public ConcurrentQueue<EventArgs> All { get; } = new();

    /// <summary>Completes with the next event (from now on) of type <typeparamref name="T"/> matching <paramref name="match"/>.</summary>
    public Task<T> NextAsync<T>(Func<T, bool>? match = null)
        where T : EventArgs
    {
        var found = new TaskCompletionSource<EventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _waiters.Add((e => e is T t && (match is null || match(t)), found));
        }

        return found.Task.WaitAsync(TestBroker.Timeout).ContinueWith(t => (T)t.Result, TaskScheduler.Default);
    }

    private void Record(EventArgs e)
    {
        All.Enqueue(e);
        lock (_gate)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(e))
                {
                    _waiters[i].Found.TrySetResult(e);
                    _waiters.RemoveAt(i);
                }
            }
        }
    }
}
