using System.Text.Json;

namespace Pushboard.Contracts;

// A fact NotificationApi learns from FCM and DeviceApi must not miss: the token a device held is dead.
// Travels as JSON (camelCase) in the field "event" of an entry on the Redis stream "device-events".
// DeviceApi marks the device invalid only while it still holds FcmToken, so a token refreshed since then survives.
public sealed record DeviceInvalidatedEvent(
    string EventId,
    string DeviceId,
    string FcmToken,
    string Reason,
    DateTimeOffset OccurredAt)
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static DeviceInvalidatedEvent? FromJson(string json) => JsonSerializer.Deserialize<DeviceInvalidatedEvent>(json, JsonOptions);
}

public static class DeviceEventStream
{
    public const string Name = "device-events";
    public const string EventField = "event";
}

// The invalidReason values of API.md that FCM's answers lead to.
public static class DeviceInvalidReasons
{
    public const string Unregistered = "unregistered";
    public const string InvalidToken = "invalid_token";
    public const string SenderIdMismatch = "sender_id_mismatch";
}
