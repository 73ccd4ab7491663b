using Npgsql;
using Pushboard.DeviceApi.Model;

namespace Pushboard.DeviceApi.Infrastructure;

// The columns every request-path statement returns a device with, and the device read back from them.
internal static class DeviceRows
{
    public const string Columns =
        "device_id, fcm_token, platform, user_id, app_version, locale, status, invalid_reason, created_at, updated_at, token_updated_at, last_seen_at, time_zone, tags";

    // What the request paths read back: the columns and the secret's hash (never answered, only checked).
    public const string Selected = $"{Columns}, secret_hash";

    // A statement may return more after these: they start at this ordinal.
    public const int SelectedCount = 15;

    public static Device Read(NpgsqlDataReader reader) => new()
    {
        DeviceId = reader.GetString(0),
        FcmToken = reader.IsDBNull(1) ? null : reader.GetString(1),
        Platform = reader.GetString(2),
        UserId = reader.IsDBNull(3) ? null : reader.GetString(3),
        AppVersion = reader.IsDBNull(4) ? null : reader.GetString(4),
        Locale = reader.IsDBNull(5) ? null : reader.GetString(5),
        Status = reader.GetString(6),
        InvalidReason = reader.IsDBNull(7) ? null : reader.GetString(7),
        CreatedAt = reader.GetDateTime(8),
        UpdatedAt = reader.GetDateTime(9),
        TokenUpdatedAt = reader.GetDateTime(10),
        LastSeenAt = reader.GetDateTime(11),
        TimeZone = reader.IsDBNull(12) ? null : reader.GetString(12),
        Tags = DeviceTags.Parse(reader.GetString(13)),
        SecretHash = reader.IsDBNull(14) ? null : reader.GetFieldValue<byte[]>(14),
    };
}
