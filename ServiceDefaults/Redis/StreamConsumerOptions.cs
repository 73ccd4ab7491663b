namespace Pushboard.ServiceDefaults.Redis;

public sealed class StreamConsumerOptions
{
    public const string Section = "StreamConsumers";

    // A consumer name that holds no pending entry and was idle this long is deleted from its group (each process start
    // adds one). Idle is since the name was last given an entry on Redis 7.0, since its last read on 7.2 and later; so on
    // 7.0 a live reader of a quiet stream loses its name too: holding nothing, it loses nothing, and the next entry it is
    // given makes the name again.
    public TimeSpan ForgetIdleAfter { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromMinutes(10);
}
