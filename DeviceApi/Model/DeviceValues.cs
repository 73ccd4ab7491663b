using Pushboard.Contracts;

namespace Pushboard.DeviceApi.Model;

public static class DeviceStatuses
{
    public const string Active = "active";
    public const string Invalid = "invalid";

    public static bool IsKnown(string value) => value is Active or Invalid;
}

public static class DevicePlatforms
{
    public static bool IsKnown(string value) => ApiPatterns.Platforms.Contains(value);
}

// Every invalidReason of API.md; FCM's own come from Contracts.DeviceInvalidReasons.
public static class InvalidReasons
{
    public const string TokenReassigned = "token_reassigned";
    public const string Expired = "expired";

    public static bool IsFromFcm(string value) =>
        value is DeviceInvalidReasons.Unregistered or DeviceInvalidReasons.InvalidToken or DeviceInvalidReasons.SenderIdMismatch;
}

public static class TokenLifetime
{
    // A token the app has not refreshed for a month is stale (FCM's guidance); a device not seen for 270 days is expired.
    public static readonly TimeSpan StaleAfter = TimeSpan.FromDays(30);
    public static readonly TimeSpan ExpiredAfter = TimeSpan.FromDays(270);
}
