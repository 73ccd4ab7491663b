namespace Pushboard.DeviceApi.Services;

public sealed class DeviceEventsOptions
{
    public const string Section = "DeviceEvents";

    public string ConsumerGroup { get; set; } = "deviceapi";

    // How long to wait before asking again when the stream had nothing new.
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    // Entries another consumer took but did not acknowledge for this long are taken over (it crashed).
    public TimeSpan ClaimIdleAfter { get; set; } = TimeSpan.FromSeconds(30);

    public int BatchSize { get; set; } = 100;

    // How long to wait before reading again after Redis or the database failed.
    public TimeSpan ErrorPause { get; set; } = TimeSpan.FromSeconds(2);
}
