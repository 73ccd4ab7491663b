using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Pushboard.Contracts;

// The limits of a notification request (API.md), checked by NotificationApi and, before sending, by the console.
public static partial class NotificationRules
{
    public const int MaxDeviceIds = 1000;
    public const long MaxTtlSeconds = 2_419_200;
    // APNs's limit for apns-collapse-id, which the collapse key becomes for iOS.
    public const int MaxCollapseKeyBytes = 64;

    public static readonly string DeviceIdsCount = $"deviceIds must hold 1–{MaxDeviceIds} ids.";
    public const string DeviceIdShape = "Each device id is 1–128 characters: ASCII letters, digits, '.', '_', ':' or '-', and not . or .. alone.";
    public static readonly string UserIdShape = $"userId must be 1–{ApiPatterns.MaxUserIdCharacters} characters without control characters.";
    public const string TopicShape = "topic must match [a-zA-Z0-9-_.~%]{1,900}.";
    public const string ContentRequired = "At least one of notification and data is required.";
    public const string ImageUrlShape = "imageUrl must be an absolute http or https URL.";
    public static readonly string TtlRange = $"ttlSeconds must be between 0 and {MaxTtlSeconds}.";

    public static readonly string CollapseKeyShape = $"collapseKey must be 1–{MaxCollapseKeyBytes} bytes of UTF-8 without control characters (APNs's limit for apns-collapse-id).";

    public static readonly TimeSpan MaxScheduleAhead = TimeSpan.FromDays(30);
    public static readonly string SendAtShape = $"sendAt must be a UTC time ending in Z (e.g. 2026-03-08T09:00:00Z), at most {MaxScheduleAhead.TotalDays:0} days ahead.";
    public const string LocalTimeShape = "localTime must be \"HH:mm\" between 00:00 and 23:59, two digits each.";
    public const string LocalTimeWithTopic = "A topic target takes sendAt but not localTime: FCM sends a topic message at one moment to every subscriber.";

    public static bool IsCollapseKey(string value) =>
        value.Length > 0 && ApiPatterns.IsWellFormed(value) && !value.Any(char.IsControl) && Encoding.UTF8.GetByteCount(value) <= MaxCollapseKeyBytes;

    // FCM fetches the image on the device: only a web address will do. (On Linux, Uri reads "/img.png" as an absolute
    // file URI.)
    public static bool IsImageUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    // A UTC time as API.md writes timestamps (ending in Z); null when it is not of that form.
    public static DateTime? ParseSendAt(string value) =>
        SendAtPattern().IsMatch(value)
        && DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var sendAt)
            ? sendAt
            : null;

    public static TimeOnly? ParseLocalTime(string value) =>
        LocalTimePattern().IsMatch(value) && TimeOnly.TryParseExact(value, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var localTime)
            ? localTime
            : null;

    // [0-9], not \d: \d matches every Unicode digit (٠, ９), which the parsers refuse.
    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,7})?)?Z\z")]
    private static partial Regex SendAtPattern();

    [GeneratedRegex(@"^([01][0-9]|2[0-3]):[0-5][0-9]\z")]
    private static partial Regex LocalTimePattern();
}
