namespace Pushboard.ServiceDefaults.Redis;

public sealed class StreamConsumerOptions
{
    public const string Section = "StreamConsumers";

    // A consumer name that holds no pending entry and was last given one this long ago is deleted from its group (each
    // process start adds one). A live reader of a quiet stream can lose its name too: holding nothing, it loses nothing,
    // and the next entry it is given makes the name again.
    public TimeSpan ForgetIdleAfter { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromMinutes(10);
}
