namespace Pushboard.DeviceApi.Infrastructure;

public sealed class DeviceWriterOptions
{
    public const string Section = "DeviceWriter";

    // Attempts of a write that races other writers of its token or device before the race's error reaches the caller.
    public int MaxAttempts { get; set; } = 30;

    // Before its next attempt, a write that lost a race waits a random time (at least 1 ms) below this times the
    // attempts made, so that racing writers spread out.
    public TimeSpan RetryDelayStep { get; set; } = TimeSpan.FromMilliseconds(5);
}
