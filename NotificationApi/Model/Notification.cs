namespace Pushboard.NotificationApi.Model;

public static class NotificationStatus
{
    // Waiting for its sendAt, or a localTime notification until its last device's moment has come.
    public const string Scheduled = "scheduled";
    public const string Queued = "queued";
    public const string Sending = "sending";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Canceled = "canceled";
}

public sealed class Notification
{
    public Guid Id { get; set; }
    public string Status { get; set; } = NotificationStatus.Queued;
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? ResolvedAt { get; set; }

    // The highest delivery id that a queued send item covers; pending deliveries above it have no item yet.
    public long QueuedThroughDeliveryId { get; set; }

    // The stream entry of the stalled-notification sweeper's last copy of its work: no second copy while it is queued.
    public string? SweptWorkEntry { get; set; }
    public DateTime? CompletedAt { get; set; }
    public string? FailureReason { get; set; }

    // The request's target as given, and the FCM v1 message without its target field.
    public string TargetJson { get; set; } = "{}";
    public string MessageJson { get; set; } = "{}";

    // As requested (API.md "Timing"): sendAt in UTC, localTime "HH:mm".
    public DateTime? SendAt { get; set; }
    public string? LocalTime { get; set; }

    // The ttlSeconds from which apns-expiration is derived at the moment of sending; null when the request gave none,
    // or set apns-expiration itself.
    public long? ApnsTtlSeconds { get; set; }

    public string? IdempotencyKey { get; set; }
    public string? RequestHash { get; set; }
}
