using System.Text.Json;

namespace Pushboard.Web.Services;

// HasSecret: Pushboard's addition to the device resource, in answers to the admin key only.
public sealed record Device(
    string DeviceId, string? FcmToken, string Platform, string? UserId, string? AppVersion, string? Locale,
    string Status, string? InvalidReason, DateTime CreatedAt, DateTime UpdatedAt, DateTime TokenUpdatedAt, DateTime LastSeenAt,
    string? TimeZone = null, Dictionary<string, string>? Tags = null, bool HasSecret = false);

public sealed record DeviceSecret(string Value);

public sealed record Page<T>(List<T> Items, string? Next);

public sealed record DeviceFilter(string? UserId, string? Platform, string? Status, bool? Stale);

public sealed record NotificationCounts(int Targeted, int Sent, int Failed, int InvalidToken, int Pending, int Canceled);

// SendAt (UTC) and LocalTime ("HH:mm"): the timing the notification was sent with, null when not given.
public sealed record Notification(
    Guid Id, string Status, DateTime CreatedAt, DateTime? CompletedAt, string? FailureReason, JsonElement Target, NotificationCounts Counts,
    DateTime? SendAt = null, string? LocalTime = null)
{
    // Not ended yet: scheduled, queued or sending. Only such a notification can be canceled (API.md: a completed or
    // failed one is a 409, a canceled one stays so).
    public bool InProgress => Status is "scheduled" or "queued" or "sending";

    // Whether asking again may find it changed: queued or sending, or scheduled and its sendAt come (a localTime one
    // without sendAt stays scheduled while its zones' moments come, a day long). A notification scheduled for next
    // month does not change before then.
    public bool Changing(DateTime now) => Status is "queued" or "sending" || (Status is "scheduled" && (SendAt is null || SendAt <= now));
}

// ScheduledFor: the moment a delivery waits for (a localTime notification's), null otherwise.
public sealed record Delivery(
    Guid? NotificationId, string? DeviceId, string? Topic, string Status, string? FcmMessageId, string? Error, int Attempts, DateTime UpdatedAt,
    DateTime? ScheduledFor = null);

public sealed record HealthEntry(string Status, string? Description, double DurationMs);

public sealed record HealthReport(string Status, double TotalDurationMs, Dictionary<string, HealthEntry>? Entries);

// An API's problem-details answer, shown to the operator as text.
public sealed class ApiException(string message, IReadOnlyDictionary<string, string[]>? errors = null) : Exception(message)
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors ?? new Dictionary<string, string[]>();
}
