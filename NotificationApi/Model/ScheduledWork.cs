namespace Pushboard.NotificationApi.Model;

public static class ScheduledWorkKind
{
    // Resolve the notification's targets (its sendAt, or at once for a localTime notification).
    public const string Resolve = "resolve";

    // Send the deliveries of one moment (a local time in one or more zones), between two delivery ids.
    public const string Send = "send";
}

// Work that waits for its time in the database, so that a restart loses none of it; the scheduler on any replica
// leases it when due (ScheduledWorkStore). One row per notification and moment, whatever the number of devices.
public sealed class ScheduledWork
{
    public long Id { get; set; }
    public Guid NotificationId { get; set; }
    public string Kind { get; set; } = ScheduledWorkKind.Resolve;
    public DateTime DueAt { get; set; }
    public long FirstDeliveryId { get; set; }
    public long LastDeliveryId { get; set; }
    public DateTime? LeaseExpiresAt { get; set; }
}
