namespace Pushboard.NotificationApi.Sending;

public sealed class SendingOptions
{
    public const string Section = "Sending";

    // Work loops per process, each taking one work item at a time. Workers × Concurrency is the in-flight window (800):
    // four loops of 200 rather than eight of 100 record the same sends with half the statements and half the loops
    // contending for two cores (docs/notificationapi.md, "Fewer, wider work loops"), at the cost of fewer work items
    // at once: a resolving broadcast holds one loop of the four.
    public int Workers { get; set; } = 4;

    // How long the process waits before asking an empty queue again (one work loop asks: IdleReaders).
    public TimeSpan IdlePoll { get; set; } = TimeSpan.FromMilliseconds(100);

    // How long a work loop waits after an error.
    public TimeSpan ErrorPause { get; set; } = TimeSpan.FromSeconds(1);

    // How often a sender tries again to record what FCM answered while the database is unreachable: short, so that the
    // outcomes are in before another sender could take the deliveries over once it is back.
    public TimeSpan RecordRetryPause { get; set; } = TimeSpan.FromMilliseconds(200);

    // Sends in flight per work item; a crash re-sends at most this many deliveries per work loop.
    public int Concurrency { get; set; } = 200;

    // Tries per delivery within one pass before it is left pending for a later pass.
    public int MaxAttempts { get; set; } = 8;

    public TimeSpan ClaimIdle { get; set; } = TimeSpan.FromSeconds(30);

    // Pending deliveries leased, and held in memory, at a time by one work loop.
    public int PageSize { get; set; } = 500;

    // A sender's hold on the deliveries it leased, renewed every third of it while it works on them (waiting out a
    // Retry-After included); another sender takes them over only after it ran out.
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    // A queued or sending notification without progress for this long is queued again (StalledNotificationSweeper).
    // Generous by default: a send pass waiting out a long FCM Retry-After makes no progress either.
    public TimeSpan StalledAfter { get; set; } = TimeSpan.FromMinutes(2);

    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    // Stalled notifications queued again per sweep.
    public int SweepBatchSize { get; set; } = 100;

    // The first retry of a send waits about this long; each further one twice as long, up to RetryMaxDelay.
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    // The longest Retry-After waited out (a QUOTA_EXCEEDED pauses every send of the process for it): FCM asks for
    // seconds to minutes, while a proxy's answer or a date far ahead could stop the process's sending for days.
    public TimeSpan RetryAfterMax { get; set; } = TimeSpan.FromMinutes(5);

    // The IANA time zone of a device without one, for localTime notifications.
    public string DefaultTimeZone { get; set; } = "UTC";

    // How often the scheduler looks for scheduled work that is due, and how many rows it leases at a time.
    public TimeSpan SchedulerInterval { get; set; } = TimeSpan.FromSeconds(1);

    public int SchedulerBatchSize { get; set; } = 100;

    // A due moment's deliveries are queued as send items of at most this many delivery ids each, so that the work loops
    // of every replica share a large moment (its ids are interleaved with the other zones' ones).
    public int ScheduledSendSpan { get; set; } = 5000;
}
