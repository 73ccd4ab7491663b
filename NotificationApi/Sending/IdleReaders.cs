namespace Pushboard.NotificationApi.Sending;

// The work loops of one process that found the queue empty. One of them (the watcher) asks the queue again after
// Sending:IdlePoll; the others wait until work is found or queued here, then all read. An idle replica asks Redis once
// per IdlePoll instead of once per loop, and work this process queues is taken at once instead of at the next poll
// (a loop between its empty read and its wait misses the signal; the watcher's next read finds that work).
public sealed class IdleReaders(TimeProvider time)
{
    private TaskCompletionSource _workArrived = NewSignal();
    private int _watching;

    public async Task WaitAsync(TimeSpan idlePoll, CancellationToken cancellationToken)
    {
        var workArrived = Volatile.Read(ref _workArrived).Task;
        if (Interlocked.CompareExchange(ref _watching, 1, 0) != 0)
        {
            await workArrived.WaitAsync(cancellationToken);
            return;
        }

        try
        {
            await Task.WhenAny(workArrived, Task.Delay(idlePoll, time, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
        }
        finally
        {
            Volatile.Write(ref _watching, 0);
        }
    }

    // There may be more: every waiting loop reads.
    public void WorkArrived() => Interlocked.Exchange(ref _workArrived, NewSignal()).TrySetResult();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
