using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using Pushboard.DeviceApi.Model;

namespace Pushboard.DeviceApi.Apis;

// userIdHash is only checked (API.md "Device identity"), never stored or answered.
public sealed record RegisterDeviceRequest(
    string? FcmToken, string? Platform, string? UserId, string? UserIdHash, string? AppVersion, string? Locale, string? TimeZone,
    Dictionary<string, string?>? Tags);

public sealed record RefreshTokenRequest(string? FcmToken);

// Internal extension of API.md for NotificationApi: resolve up to 1000 device ids in one call (any status), or one
// keyset page (after: the next of the previous page; limit 1–500, default 50) of the active devices a segment matches.
public sealed record QueryDevicesRequest(List<string?>? DeviceIds, JsonElement? Segment, string? After, int? Limit);

public sealed record CountDevicesRequest(JsonElement? Segment);

public sealed record DeviceCount(long Count);

public sealed record DeviceResponse(
    string DeviceId,
    string? FcmToken,
    string Platform,
    string? UserId,
    string? AppVersion,
    string? Locale,
    string? TimeZone,
    Dictionary<string, string> Tags,
    string Status,
    string? InvalidReason,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime TokenUpdatedAt,
    DateTime LastSeenAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DeviceSecret,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? HasSecret)
{
    // deviceSecret: only in the answer that created or claimed the device with a secret the server issued.
    // hasSecret (Pushboard's addition to API.md): only in answers to the admin key, for the console.
    public static DeviceResponse From(Device device, bool forAdmin, string? deviceSecret = null) => new(
        device.DeviceId, device.FcmToken, device.Platform, device.UserId, device.AppVersion, device.Locale, device.TimeZone, device.Tags,
        device.Status, device.InvalidReason, device.CreatedAt, device.UpdatedAt, device.TokenUpdatedAt, device.LastSeenAt,
        deviceSecret, forAdmin ? device.HasSecret : null);

    public static DeviceResponse ForAdmin(Device device) => From(device, forAdmin: true);
}

public sealed record DeviceSecretResponse(string DeviceSecret);

public sealed record DevicePage(List<DeviceResponse> Items, string? Next);

// Named as API.md writes them, so the OpenAPI document says userId, not UserId (binding ignores the case either way).
public sealed record ListDevicesQuery(
    [FromQuery(Name = "userId")] string? UserId,
    [FromQuery(Name = "platform")] string? Platform,
    [FromQuery(Name = "status")] string? Status,
    [FromQuery(Name = "stale")] string? Stale,
    [FromQuery(Name = "after")] string? After,
    [FromQuery(Name = "limit")] string? Limit);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(RegisterDeviceRequest))]
[JsonSerializable(typeof(RefreshTokenRequest))]
[JsonSerializable(typeof(QueryDevicesRequest))]
[JsonSerializable(typeof(DeviceResponse))]
[JsonSerializable(typeof(DevicePage))]
[JsonSerializable(typeof(CountDevicesRequest))]
[JsonSerializable(typeof(DeviceCount))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(DeviceSecretResponse))]
[JsonSerializable(typeof(Pushboard.Contracts.Stats.DeviceStats))]
public sealed partial class DeviceApiJsonContext : JsonSerializerContext;
