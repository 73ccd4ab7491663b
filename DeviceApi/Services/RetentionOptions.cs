namespace Pushboard.DeviceApi.Services;

public sealed class RetentionOptions
{
    public const string Section = "Retention";

    // How long an expired device (270 days unseen) is kept before it is deleted.
    public TimeSpan ExpiredDevices { get; set; } = TimeSpan.FromDays(90);

    // Devices deleted per statement, so that no delete holds its locks for long.
    public int DeleteBatchSize { get; set; } = 1000;
}
