namespace Pushboard.NotificationApi.Sending;

// Whether a page's notification was canceled, asked before every send that follows a wait (a retry after FCM's
// Retry-After or a backoff, a send held by FcmThrottle): after the cancel's 200 nothing more of it is handed to FCM,
// also in the middle of a chunk. Asks share reads: an ask joins the read that has not started yet, or makes it, to
// start once the read running now has ended; so every ask is answered by a read begun after it, and at any moment a
// page has at most one read running and one waiting (sends waking together at the end of a QUOTA_EXCEEDED pause make
// two reads, not one each). The reads stop when the page's sending stops, not when one asker does.
public sealed partial class CancelWatch(Func<CancellationToken, Task<bool>> read, ILogger<CancelWatch> logger, CancellationToken stopping)
{
    private readonly Lock _lock = new();
    private TaskCompletionSource<bool>? _waiting;
    private Task _running = Task.CompletedTask;

    // True when the notification was canceled, or when the read failed: the send then waits for a later pass rather
    // than go out unchecked.
    public Task<bool> HoldsBackAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_waiting is null)
            {
                _waiting = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                _ = ReadAfterAsync(_running, _waiting);
            }

            return _waiting.Task.WaitAsync(cancellationToken);
        }
    }

    private async Task ReadAfterAsync(Task previous, TaskCompletionSource<bool> reading)
    {
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ForceYielding);
        lock (_lock)
        {
            _waiting = null;
            _running = reading.Task;
        }

        try
        {
            reading.SetResult(await read(stopping));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            reading.SetCanceled(stopping);
        }
        catch (Exception exception)
        {
            LogReadFailed(exception);
            reading.SetResult(true);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Reading whether a notification was canceled failed; its waiting sends are left for a later pass")]
    private partial void LogReadFailed(Exception exception);
}
