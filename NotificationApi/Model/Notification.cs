namespace Pushboard.NotificationApi.Model;

public static class NotificationStatus
{
    public const string Queued = "queued";
    public const string Sending = "sending";
    public const string Completed = "completed";
    public const string Failed = "failed";
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
    public DateTime? CompletedAt { get; set; }
    public string? FailureReason { get; set; }

    // The request's target as given, and the FCM v1 message without its target field.
    public string TargetJson { get; set; } = "{}";
    public string MessageJson { get; set; } = "{}";

    public string? IdempotencyKey { get; set; }
    public string? RequestHash { get; set; }
}
