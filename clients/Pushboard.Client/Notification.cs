using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pushboard.Client;

/// <summary>A notification as NotificationApi answers it (API.md "NotificationApi").</summary>
/// <param name="Id">The notification's id.</param>
/// <param name="Status"><c>scheduled</c>, <c>queued</c>, <c>sending</c>, <c>completed</c>, <c>failed</c> or <c>canceled</c>.</param>
/// <param name="CreatedAt">When it was accepted.</param>
/// <param name="CompletedAt">When it ended, or null.</param>
/// <param name="FailureReason">Why it failed (e.g. no device matched), or null.</param>
/// <param name="Target">The target as it was sent.</param>
/// <param name="Counts">Its deliveries by outcome.</param>
/// <param name="SendAt">The time it waits for, or null.</param>
/// <param name="LocalTime">The wall-clock time it is sent at in each device's time zone, or null.</param>
public sealed record Notification(
    Guid Id,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CompletedAt,
    string? FailureReason,
    JsonElement Target,
    NotificationCounts Counts,
    DateTimeOffset? SendAt,
    [property: JsonConverter(typeof(LocalTimeConverter))] TimeOnly? LocalTime);

/// <summary>A notification's deliveries by outcome.</summary>
/// <param name="Targeted">Deliveries made.</param>
/// <param name="Sent">Accepted by FCM.</param>
/// <param name="Failed">Failed (FCM's error or ours).</param>
/// <param name="InvalidToken">Refused by FCM for a dead token.</param>
/// <param name="Pending">Not final yet.</param>
/// <param name="Canceled">Canceled before they were handed to FCM.</param>
public sealed record NotificationCounts(int Targeted, int Sent, int Failed, int InvalidToken, int Pending, int Canceled);

/// <summary>One delivery of a notification: to a device, or the one message of a topic target.</summary>
/// <param name="DeviceId">The device, or null for a topic.</param>
/// <param name="Topic">The topic, or null.</param>
/// <param name="Status"><c>pending</c>, <c>sent</c>, <c>failed</c>, <c>invalid_token</c> or <c>canceled</c>.</param>
/// <param name="FcmMessageId">FCM's message name once sent.</param>
/// <param name="Error">FCM's error code or Pushboard's (<c>device_not_found</c>, <c>device_inactive</c>), or null.</param>
/// <param name="Attempts">Attempts made.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="ScheduledFor">When a delivery waiting for its local time is due, or null.</param>
public sealed record Delivery(
    string? DeviceId,
    string? Topic,
    string Status,
    string? FcmMessageId,
    string? Error,
    int Attempts,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ScheduledFor);
