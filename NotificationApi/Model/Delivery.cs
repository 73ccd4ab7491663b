namespace Pushboard.NotificationApi.Model;

public static class DeliveryStatus
{
    public const string Pending = "pending";
    public const string Sent = "sent";
    public const string Failed = "failed";
    public const string InvalidToken = "invalid_token";

    // Stopped before it was sent (a notification canceled); counted in the stats like the other final outcomes.
    public const string Canceled = "canceled";
}

public static class DeliveryErrors
{
    // The length of the error columns (a delivery's, the stats' outcome counts).
    public const int MaxLength = 64;

    public const string DeviceNotFound = "device_not_found";
    public const string DeviceInactive = "device_inactive";
    public const string ResolutionFailed = "resolution_failed";

    // An unexpected fault while sending (e.g. the token endpoint failed); the delivery stays pending.
    public const string SendError = "send_error";
}

public sealed class Delivery
{
    public long Id { get; set; }
    public Guid NotificationId { get; set; }
    public string? DeviceId { get; set; }
    public string? Topic { get; set; }
    public string? Token { get; set; }
    public string Status { get; set; } = DeliveryStatus.Pending;
    public string? FcmMessageId { get; set; }
    public string? Error { get; set; }
    public int Attempts { get; set; }
    public DateTime UpdatedAt { get; set; }

    // A local-time delivery waits until this moment (UTC); null for one sent as soon as it is resolved.
    public DateTime? ScheduledFor { get; set; }

    // The sender holding this pending delivery, and until when: another takes it over only once that time has passed.
    public Guid? LeaseId { get; set; }
    public DateTime? LeaseExpiresAt { get; set; }
}
