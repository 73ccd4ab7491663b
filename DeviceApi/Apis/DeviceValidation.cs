using Pushboard.Contracts;
using Pushboard.DeviceApi.Identity;
using Pushboard.DeviceApi.Infrastructure;
using Pushboard.DeviceApi.Model;

namespace Pushboard.DeviceApi.Apis;

// The field rules of API.md. Each Validate* collects every bad field, so a client can fix them all at once.
public static class DeviceValidation
{
    public const int MaxPageSize = 500;
    public const int DefaultPageSize = 50;
    public const int MaxQueryIds = ApiPatterns.MaxQueryIds;

    public static Dictionary<string, string[]> ValidateDeviceId(string deviceId)
    {
        var errors = new Dictionary<string, string[]>();
        CheckDeviceId(deviceId, errors);
        return errors;
    }

    public static Dictionary<string, string[]> ValidateRegistration(string deviceId, RegisterDeviceRequest request, DeviceAccess access)
    {
        var errors = new Dictionary<string, string[]>();
        CheckDeviceId(deviceId, errors);
        CheckChosenSecret(access, errors);
        CheckToken(request.FcmToken, errors);
        if (request.Platform is null)
        {
            errors["platform"] = ["platform is required: android, ios or web."];
        }
        else if (!DevicePlatforms.IsKnown(request.Platform))
        {
            errors["platform"] = ["platform must be android, ios or web."];
        }

        if (request.UserId is not null && !ApiPatterns.IsUserId(request.UserId))
        {
            errors["userId"] = ["userId must be 1-256 characters without control characters."];
        }

        CheckShortText("appVersion", request.AppVersion, errors);
        CheckShortText("locale", request.Locale, errors);
        return errors;
    }

    public static Dictionary<string, string[]> ValidateRefresh(string deviceId, RefreshTokenRequest request, DeviceAccess access)
    {
        var errors = new Dictionary<string, string[]>();
        CheckDeviceId(deviceId, errors);
        CheckChosenSecret(access, errors);
        CheckToken(request.FcmToken, errors);
        return errors;
    }

    // An empty query value (`?userId=&status=`, as a form sends it) means no filter.
    public static Dictionary<string, string[]> ValidateList(ListDevicesQuery query, out DeviceFilter filter, out string? after, out int limit)
    {
        query = new ListDevicesQuery(
            NullIfEmpty(query.UserId), NullIfEmpty(query.Platform), NullIfEmpty(query.Status),
            NullIfEmpty(query.Stale), NullIfEmpty(query.After), NullIfEmpty(query.Limit));
        var errors = new Dictionary<string, string[]>();
        if (query.UserId is not null && !ApiPatterns.IsUserId(query.UserId))
        {
            errors["userId"] = ["userId must be 1-256 characters without control characters."];
        }

        if (query.Platform is not null && !DevicePlatforms.IsKnown(query.Platform))
        {
            errors["platform"] = ["platform must be android, ios or web."];
        }

        if (query.Status is not null && !DeviceStatuses.IsKnown(query.Status))
        {
            errors["status"] = ["status must be active or invalid."];
        }

        bool? stale = null;
        if (query.Stale is not null)
        {
            if (bool.TryParse(query.Stale, out var parsed))
            {
                stale = parsed;
            }
            else
            {
                errors["stale"] = ["stale must be true or false."];
            }
        }

        after = null;
        if (query.After is not null)
        {
            if (TryDecodeCursor(query.After, out var lastDeviceId))
            {
                after = lastDeviceId;
            }
            else
            {
                errors["after"] = ["after must be the next cursor of a previous page."];
            }
        }

        limit = DefaultPageSize;
        if (query.Limit is not null && !(int.TryParse(query.Limit, out limit) && limit is >= 1 and <= MaxPageSize))
        {
            errors["limit"] = [$"limit must be a whole number from 1 to {MaxPageSize}."];
        }

        filter = new DeviceFilter(query.UserId, query.Platform, query.Status, stale);
        return errors;
    }

    public static Dictionary<string, string[]> ValidateQuery(QueryDevicesRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.DeviceIds is not { Count: >= 1 and <= MaxQueryIds })
        {
            errors["deviceIds"] = [$"deviceIds must hold 1 to {MaxQueryIds} device ids."];
        }
        else if (request.DeviceIds.Contains(null))
        {
            errors["deviceIds"] = ["deviceIds must not contain null."];
        }

        return errors;
    }

    // A devices cursor holds the last device id of a page; another list's cursor or one with any other key is refused.
    public static bool TryDecodeCursor(string cursor, out string lastDeviceId) =>
        PageCursor.TryDecode(PageCursor.Devices, cursor, out lastDeviceId) && ApiPatterns.DeviceId().IsMatch(lastDeviceId);

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static void CheckDeviceId(string deviceId, Dictionary<string, string[]> errors)
    {
        if (!ApiPatterns.DeviceId().IsMatch(deviceId))
        {
            errors["deviceId"] = ["deviceId must be 1-128 characters, each an ASCII letter, a digit, '.', '_', ':' or '-'."];
        }
    }

    // A secret the app chooses for a device it creates or claims (a device's own secret refuses any other first, 403).
    private static void CheckChosenSecret(DeviceAccess access, Dictionary<string, string[]> errors)
    {
        if (access.PresentsMalformedSecret)
        {
            errors[ApiHeaders.DeviceSecret] = [$"{ApiHeaders.DeviceSecret} must be 43-128 base64url characters (A-Z, a-z, 0-9, '-', '_')."];
        }
    }

    private static void CheckToken(string? token, Dictionary<string, string[]> errors)
    {
        if (token is null)
        {
            errors["fcmToken"] = ["fcmToken is required."];
        }
        else if (token.Length is 0 or > 4096 || !ApiPatterns.IsWellFormed(token) || token.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            errors["fcmToken"] = ["fcmToken must be 1-4096 characters without whitespace."];
        }
    }

    private static void CheckShortText(string field, string? value, Dictionary<string, string[]> errors)
    {
        if (value is not null && (value.Length > 64 || !ApiPatterns.IsWellFormed(value) || value.Any(char.IsControl)))
        {
            errors[field] = [$"{field} must be at most 64 characters without control characters."];
        }
    }
}
