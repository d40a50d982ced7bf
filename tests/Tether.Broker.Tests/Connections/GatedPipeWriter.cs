using System.IO.Pipelines;

namespace Tether.Broker.Tests.Connections;

/// <summary>
/// A connection's output whose flushes the test completes by hand, so a drain can be held inside a flush (a client
/// that does not read) while more items queue up behind it. Bytes go into a real pipe, readable from <see cref="Reader"/>.
/// </summary>
internal sealed class GatedPipeWriter : PipeWriter
{
    private readonly Pipe _pipe = new();
    private readonly TaskCompletionSource _flushWaiting = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<FlushResult> _flushGate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PipeReader Reader => _pipe.Reader;

    /// <summary>Completes when a flush is waiting for <see cref="ReleaseFlush"/>.</summary>
    public Task FlushWaiting => _flushWaiting.Task;

    /// <summary>Completes when the connection has completed its output.</summary>
    public Task Completed => _completed.Task;

    /// <summary>Lets the waiting flush (and every later one) finish; <paramref name="clientGone"/> reports the reader gone.</summary>
    public void ReleaseFlush(bool clientGone) => _flushGate.TrySetResult(new FlushResult(isCanceled: false, isCompleted: clientGone));

    public override void Advance(int bytes) => _pipe.Writer.Advance(bytes);

    public override Memory<byte> GetMemory(int sizeHint = 0) => _pipe.Writer.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => _pipe.Writer.GetSpan(sizeHint);

    public override void CancelPendingFlush() => _flushGate.TrySetResult(new FlushResult(isCanceled: true, isCompleted: false));

    public override void Complete(Exception? exception = null)
    {
        _pipe.Writer.Complete(exception);
        _completed.TrySetResult();
    }

    public override async ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        await _pipe.Writer.FlushAsync(cancellationToken);
        _flushWaiting.TrySetResult();
        return await _flushGate.Task;
    }
}
