namespace Pushboard.Contracts;

// The limits of a notification request (API.md), checked by NotificationApi and, before sending, by the console.
public static class NotificationRules
{
    public const int MaxDeviceIds = 1000;
    public const long MaxTtlSeconds = 2_419_200;
    public const int MaxCollapseKeyLength = 64;

    public static readonly string DeviceIdsCount = $"deviceIds must hold 1–{MaxDeviceIds} ids.";
    public const string DeviceIdShape = "Each device id is 1–128 characters: ASCII letters, digits, '.', '_', ':' or '-'.";
    public static readonly string UserIdShape = $"userId must be 1–{ApiPatterns.MaxUserIdCharacters} characters without control characters.";
    public const string TopicShape = "topic must match [a-zA-Z0-9-_.~%]{1,900}.";
    public const string ContentRequired = "At least one of notification and data is required.";
    public const string ImageUrlShape = "imageUrl must be an absolute URL.";
    public static readonly string TtlRange = $"ttlSeconds must be between 0 and {MaxTtlSeconds}.";
}
