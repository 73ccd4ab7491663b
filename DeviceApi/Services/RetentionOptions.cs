namespace Pushboard.DeviceApi.Services;

public sealed class RetentionOptions
{
    public const string Section = "Retention";

    // How long an invalid device is kept after it could have expired (270 days unseen) before it is deleted.
    public TimeSpan ExpiredDevices { get; set; } = TimeSpan.FromDays(90);

    // How long the daily rollup rows of registrations, token refreshes and invalidations (GET /api/devices/stats) are kept.
    public TimeSpan DeviceStats { get; set; } = TimeSpan.FromDays(60);

    // GET /api/devices/stats answers 30 days.
    public static readonly TimeSpan MinDeviceStats = TimeSpan.FromDays(DeviceStatsQueries.Days);

    // Devices deleted per statement, so that no delete holds its locks for long.
    public int DeleteBatchSize { get; set; } = 1000;
}
