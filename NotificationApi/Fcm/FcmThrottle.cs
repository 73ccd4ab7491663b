namespace Pushboard.NotificationApi.Fcm;

// One gate for every send of this process: a QUOTA_EXCEEDED answer pauses the whole sender until its Retry-After.
public sealed class FcmThrottle(TimeProvider time)
{
    private long _resumeAtTicks;

    public void PauseUntil(DateTimeOffset resumeAt)
    {
        long current;
        do
        {
            current = Interlocked.Read(ref _resumeAtTicks);
            if (resumeAt.UtcTicks <= current)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _resumeAtTicks, resumeAt.UtcTicks, current) != current);
    }

    // Whether it had to wait.
    public async Task<bool> WaitAsync(CancellationToken cancellationToken)
    {
        for (var waited = false; ; waited = true)
        {
            var wait = new DateTimeOffset(Interlocked.Read(ref _resumeAtTicks), TimeSpan.Zero) - time.GetUtcNow();
            if (wait <= TimeSpan.Zero)
            {
                return waited;
            }

            await Task.Delay(wait, time, cancellationToken);
        }
    }
}
