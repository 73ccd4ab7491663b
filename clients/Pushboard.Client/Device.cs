namespace Pushboard.Client;

/// <summary>A device as DeviceApi answers it (API.md "DeviceApi").</summary>
/// <param name="DeviceId">The app's installation id.</param>
/// <param name="FcmToken">The FCM registration token; null after <c>token_reassigned</c>.</param>
/// <param name="Platform"><c>android</c>, <c>ios</c> or <c>web</c>.</param>
/// <param name="UserId">The user the device belongs to, or null.</param>
/// <param name="AppVersion">The app's version, or null.</param>
/// <param name="Locale">The device's locale (e.g. <c>ko-KR</c>), or null.</param>
/// <param name="TimeZone">An IANA time-zone name, or null.</param>
/// <param name="Tags">The device's tags; empty when it has none.</param>
/// <param name="Status"><c>active</c> or <c>invalid</c>.</param>
/// <param name="InvalidReason">Why it is invalid (<c>token_reassigned</c>, <c>unregistered</c>, <c>invalid_token</c>, <c>sender_id_mismatch</c>, <c>expired</c>); null when active.</param>
/// <param name="CreatedAt">When the device was created.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="TokenUpdatedAt">When its token last changed.</param>
/// <param name="LastSeenAt">When the app last registered it or refreshed its token.</param>
/// <param name="DeviceSecret">Only in the answer that created or claimed a device with the app key and a secret the server issued.</param>
/// <param name="HasSecret">Whether the device has a secret (answers to the admin key only).</param>
public sealed record Device(
    string DeviceId,
    string? FcmToken,
    string Platform,
    string? UserId,
    string? AppVersion,
    string? Locale,
    string? TimeZone,
    IReadOnlyDictionary<string, string> Tags,
    string Status,
    string? InvalidReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset TokenUpdatedAt,
    DateTimeOffset LastSeenAt,
    string? DeviceSecret = null,
    bool? HasSecret = null);

/// <summary>The body of <c>PUT /api/devices/{deviceId}</c>: every field of the device; an omitted optional one becomes null.</summary>
/// <param name="FcmToken">The FCM registration token (1–4096 characters, no whitespace).</param>
/// <param name="Platform"><c>android</c>, <c>ios</c> or <c>web</c>.</param>
/// <param name="UserId">The user the device belongs to.</param>
/// <param name="AppVersion">The app's version (up to 64 characters).</param>
/// <param name="Locale">The device's locale (up to 64 characters).</param>
/// <param name="TimeZone">An IANA time-zone name (<c>Asia/Seoul</c>).</param>
/// <param name="Tags">At most 32 tags.</param>
public sealed record DeviceRegistration(
    string FcmToken,
    string Platform,
    string? UserId = null,
    string? AppVersion = null,
    string? Locale = null,
    string? TimeZone = null,
    IReadOnlyDictionary<string, string>? Tags = null);

/// <summary>The answer to a registration.</summary>
/// <param name="Device">The device as stored now.</param>
/// <param name="Created">True when the device is new (201), false when an existing one was replaced (200).</param>
public sealed record DeviceRegistrationResult(Device Device, bool Created);

/// <summary>Filters of <c>GET /api/devices</c>; null leaves a filter out.</summary>
/// <param name="UserId">Only this user's devices.</param>
/// <param name="Platform"><c>android</c>, <c>ios</c> or <c>web</c>.</param>
/// <param name="Status"><c>active</c> or <c>invalid</c>.</param>
/// <param name="Stale">True: only devices whose token was not refreshed for 30 days.</param>
public sealed record DeviceQuery(string? UserId = null, string? Platform = null, string? Status = null, bool? Stale = null);
