namespace Pushboard.NotificationApi.Sending;

public sealed class DeferredEnqueueOptions
{
    public const string Section = "DeferredEnqueue";

    // Notifications on their way to Redis at a time: being accepted, or accepted while Redis was unreachable and
    // waiting in memory for it. One more is answered 503 before it is stored. A waiting one holds an id and a trace
    // parent, about 200 bytes: 100,000 is some 20 MB, and minutes of a Redis outage at hundreds of notifications a second.
    public int Capacity { get; set; } = 100_000;

    // What a refused notification is told to wait: places come free only once Redis is reachable again.
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(5);
}
