namespace Pushboard.NotificationApi.Services;

public sealed class RetentionOptions
{
    public const string Section = "Retention";

    // How long a notification that ended (completed or failed) is kept, with its deliveries, before it is deleted.
    public TimeSpan Notifications { get; set; } = TimeSpan.FromDays(90);

    // How often the deletion runs.
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    // Delivery rows deleted per statement: each statement holds its row locks for a few milliseconds only, and sending
    // goes on between two of them.
    public int DeleteBatchSize { get; set; } = 5000;
}
