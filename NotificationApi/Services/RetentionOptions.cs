namespace Pushboard.NotificationApi.Services;

public sealed class RetentionOptions
{
    public const string Section = "Retention";

    // How long a notification that ended (completed or failed) is kept, with its deliveries, before it is deleted.
    public TimeSpan Notifications { get; set; } = TimeSpan.FromDays(90);

    // How long the per-minute delivery outcome rollups (GET /api/deliveries/stats) are kept.
    public TimeSpan DeliveryStats { get; set; } = TimeSpan.FromDays(30);

    public static readonly TimeSpan MinDeliveryStats = TimeSpan.FromHours(24);

    // How often the deletion runs.
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    // Delivery rows deleted per statement, and the pause after each: each statement holds its row locks for a few
    // milliseconds only, and the pauses leave most of the database to sending (docs/notificationapi.md#retention).
    public int DeleteBatchSize { get; set; } = 1000;

    public TimeSpan BatchPause { get; set; } = TimeSpan.FromMilliseconds(100);
}
