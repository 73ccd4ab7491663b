using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace Pushboard.Contracts;

// The shapes API.md gives a device id, an FCM topic name, a user id, a device's tags and time zone, and the size of a device query
// (\z: a trailing newline does not pass).
public static partial class ApiPatterns
{
    public const int MaxUserIdCharacters = 256;

    // Device ids per POST /api/devices/query.
    public const int MaxQueryIds = 1000;

    // The path of the device stats (GET /api/devices/stats).
    public const string StatsDeviceId = "stats";

    // Whether GET /api/devices/{deviceId} reads this device: not for stats in any case (routes match without case, so
    // GET /api/devices/Stats is the stats too); such a device is read with POST /api/devices/query.
    public static bool IsReadByPath(string deviceId) => !string.Equals(deviceId, StatsDeviceId, StringComparison.OrdinalIgnoreCase);

    // Not "." or "..": a URL path cannot carry them (URI normalization takes them out), so no call could reach the device.
    [GeneratedRegex(@"^(?!\.\.?\z)[A-Za-z0-9._:-]{1,128}\z")]
    public static partial Regex DeviceId();

    [GeneratedRegex(@"^[a-zA-Z0-9-_.~%]{1,900}\z")]
    public static partial Regex Topic();

    // 1–256 characters (Unicode scalar values, so e-mail addresses and non-Latin ids count as people read them), none a
    // control character.
    public static bool IsUserId(string value) => IsText(value, MaxUserIdCharacters);

    public static readonly IReadOnlyList<string> Platforms = ["android", "ios", "web"];

    public const int MaxTags = 32;

    public const int MaxTagValueCharacters = 256;

    // appVersion and locale.
    public const int MaxShortTextCharacters = 64;

    [GeneratedRegex(@"^[A-Za-z0-9_.-]{1,64}\z")]
    public static partial Regex TagKey();

    public static bool IsTagValue(string value) => IsText(value, MaxTagValueCharacters);

    // An IANA name of the server's tz database as given (link names such as Asia/Calcutta too, case-sensitive); not a
    // Windows id, which .NET would otherwise translate.
    public static bool IsTimeZone(string value) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(value, out var zone) && zone.HasIanaId && zone.Id == value;

    // 1 to maxCharacters characters (Unicode scalar values), none a control character.
    public static bool IsText(string value, int maxCharacters)
    {
        if (value.Length == 0 || !IsWellFormed(value) || value.Any(char.IsControl))
        {
            return false;
        }

        var characters = 0;
        foreach (var _ in value.EnumerateRunes())
        {
            characters++;
        }

        return characters <= maxCharacters;
    }

    // Rejects lone surrogates, which have no UTF-8 form and cannot be stored.
    public static bool IsWellFormed(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (Rune.DecodeFromUtf16(value.AsSpan(i), out _, out var consumed) != OperationStatus.Done)
            {
                return false;
            }

            i += consumed - 1;
        }

        return true;
    }
}
