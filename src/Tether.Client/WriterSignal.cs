namespace Tether.Client;

/// <summary>
/// Wakes a connection's writer loop: set when a packet or publish is queued or the in-flight window opens. A set
/// that arrives while the writer is busy is remembered, so none is lost; several sets before a wait count as one
/// (the writer drains everything it finds). Allocates only when the writer actually goes to sleep.
/// </summary>
internal sealed class WriterSignal
{
    private readonly Lock _gate = new();
    private bool _set;
    private TaskCompletionSource? _sleeper;

    public void Set()
    {
        TaskCompletionSource? sleeper;
        lock (_gate)
        {
            sleeper = _sleeper;
            _sleeper = null;
            _set = sleeper is null;
        }

        sleeper?.TrySetResult();
    }

    /// <summary>Completes at once when set since the last wait, otherwise at the next <see cref="Set"/>.</summary>
    public Task WaitAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_set)
            {
                _set = false;
                return Task.CompletedTask;
            }

            _sleeper = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _sleeper.Task.WaitAsync(cancellationToken);
        }
    }
}
