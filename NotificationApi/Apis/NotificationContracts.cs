using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pushboard.NotificationApi.Apis;

// Segment: kept as given (checked by Contracts' SegmentRules), stored and echoed so, and handed to DeviceApi so.
public sealed record NotificationTarget(List<string>? DeviceIds, string? UserId, string? Topic, bool? All, JsonElement? Segment = null);

public sealed record NotificationContent(string? Title, string? Body, string? ImageUrl);

public sealed record SendNotificationRequest(
    NotificationTarget? Target,
    NotificationContent? Notification,
    Dictionary<string, JsonElement>? Data,
    string? Priority,
    long? TtlSeconds,
    string? CollapseKey,
    JsonObject? Android,
    JsonObject? Apns,
    JsonObject? Webpush,
    string? SendAt = null,
    string? LocalTime = null);

public sealed record NotificationCounts(int Targeted, int Sent, int Failed, int InvalidToken, int Pending, int Canceled);

public sealed record NotificationResponse(
    Guid Id,
    string Status,
    DateTime CreatedAt,
    DateTime? CompletedAt,
    string? FailureReason,
    JsonElement Target,
    NotificationCounts Counts,
    DateTime? SendAt,
    string? LocalTime);

public sealed record DeliveryResponse(
    string? DeviceId,
    string? Topic,
    string Status,
    string? FcmMessageId,
    string? Error,
    int Attempts,
    DateTime UpdatedAt,
    DateTime? ScheduledFor);

public sealed record DeviceDeliveryResponse(
    Guid NotificationId,
    string? DeviceId,
    string? Topic,
    string Status,
    string? FcmMessageId,
    string? Error,
    int Attempts,
    DateTime UpdatedAt);

public sealed record Page<T>(IReadOnlyList<T> Items, string? Next);
