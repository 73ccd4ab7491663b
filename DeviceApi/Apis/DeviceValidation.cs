using System.Text.Json;
using Pushboard.Contracts;
using Pushboard.Contracts.Segments;
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
        CheckTimeZone(request.TimeZone, errors);
        if (request.Tags is not null)
        {
            CheckTags(request.Tags, removable: false, errors);
            if (request.Tags.Count > ApiPatterns.MaxTags)
            {
                errors["tags"] = [$"tags must hold at most {ApiPatterns.MaxTags} entries."];
            }
        }

        return errors;
    }

    // A JSON merge patch (RFC 7396) of userId, userIdHash, appVersion, locale, timeZone and tags, names matched exactly
    // as RFC 7396 does; any other member is refused, so that a client sending fcmToken or platform here learns where
    // they belong.
    public static Dictionary<string, string[]> ValidatePatch(string deviceId, JsonElement body, DeviceAccess access, out DevicePatch patch)
    {
        var errors = new Dictionary<string, string[]>();
        CheckDeviceId(deviceId, errors);
        CheckChosenSecret(access, errors);
        patch = new DevicePatch(default, default, default, default, false, new Dictionary<string, string?>(), null);
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors["body"] = ["The body must be a JSON object (a JSON merge patch)."];
            return errors;
        }

        if (JsonBodyText.Unstorable(body) is { } unstorable)
        {
            errors[unstorable.Field] = [unstorable.Message];
            return errors;
        }

        var tagChanges = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var member in body.EnumerateObject())
        {
            switch (member.Name)
            {
                case "userId":
                    patch = patch with { UserId = Field(member, errors) };
                    if (patch.UserId.Value is { } userId && !ApiPatterns.IsUserId(userId))
                    {
                        errors["userId"] = ["userId must be 1-256 characters without control characters."];
                    }

                    break;
                case "userIdHash":
                    patch = patch with { UserIdHash = Field(member, errors).Value };
                    break;
                case "appVersion":
                    patch = patch with { AppVersion = Field(member, errors) };
                    CheckShortText("appVersion", patch.AppVersion.Value, errors);
                    break;
                case "locale":
                    patch = patch with { Locale = Field(member, errors) };
                    CheckShortText("locale", patch.Locale.Value, errors);
                    break;
                case "timeZone":
                    patch = patch with { TimeZone = Field(member, errors) };
                    CheckTimeZone(patch.TimeZone.Value, errors);
                    break;
                // A member given twice counts as given last, as a JSON parser keeping the last one would read it.
                case "tags" when member.Value.ValueKind == JsonValueKind.Null:
                    patch = patch with { ClearTags = true };
                    tagChanges.Clear();
                    break;
                case "tags" when member.Value.ValueKind == JsonValueKind.Object:
                    patch = patch with { ClearTags = false };
                    tagChanges.Clear();
                    foreach (var tag in member.Value.EnumerateObject())
                    {
                        tagChanges[tag.Name] = tag.Value.ValueKind == JsonValueKind.String ? tag.Value.GetString() : null;
                        if (tag.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                        {
                            errors["tags"] = ["Each tag is a string, or null to remove it."];
                        }
                    }

                    CheckTags(tagChanges, removable: true, errors);
                    break;
                case "tags":
                    errors["tags"] = ["tags must be an object of strings, or null to remove every tag."];
                    break;
                case "fcmToken":
                    errors[member.Name] = ["The token changes with PATCH /api/devices/{deviceId}/token."];
                    break;
                case "platform":
                    errors[member.Name] = ["The platform changes with PUT /api/devices/{deviceId}."];
                    break;
                default:
                    errors[member.Name] = ["A merge patch may change userId, appVersion, locale, timeZone and tags only."];
                    break;
            }
        }

        patch = patch with { TagChanges = tagChanges };
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

    // An empty query value means no filter (QueryValue).
    public static Dictionary<string, string[]> ValidateList(ListDevicesQuery query, out DeviceFilter filter, out string? after, out int limit)
    {
        query = new ListDevicesQuery(
            QueryValue.OrNull(query.UserId), QueryValue.OrNull(query.Platform), QueryValue.OrNull(query.Status),
            QueryValue.OrNull(query.Stale), QueryValue.OrNull(query.After), QueryValue.OrNull(query.Limit));
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

        after = CheckAfter(query.After, errors);
        limit = DefaultPageSize;
        if (query.Limit is not null && !(int.TryParse(query.Limit, out limit) && limit is >= 1 and <= MaxPageSize))
        {
            errors["limit"] = [LimitRange];
        }

        filter = new DeviceFilter(query.UserId, query.Platform, query.Status, stale);
        return errors;
    }

    // Either up to 1000 device ids, or a page of the active devices a segment matches.
    public static Dictionary<string, string[]> ValidateQuery(QueryDevicesRequest request, out Segment? segment, out string? after, out int limit)
    {
        var errors = new Dictionary<string, string[]>();
        segment = null;
        after = null;
        limit = DefaultPageSize;
        if (request.Segment is { } json)
        {
            if (request.DeviceIds is not null)
            {
                errors["body"] = ["A query holds deviceIds or a segment, not both."];
            }

            segment = SegmentRules.Read(json, "segment", (field, message) => AddError(errors, field, message));
            after = CheckAfter(request.After, errors);
            if (request.Limit is { } requested)
            {
                if (requested is >= 1 and <= MaxPageSize)
                {
                    limit = requested;
                }
                else
                {
                    errors["limit"] = [LimitRange];
                }
            }
        }
        else if (request.DeviceIds is not { Count: >= 1 and <= MaxQueryIds })
        {
            errors["deviceIds"] = [$"deviceIds must hold 1 to {MaxQueryIds} device ids."];
        }
        else if (request.DeviceIds.Contains(null))
        {
            errors["deviceIds"] = ["deviceIds must not contain null."];
        }

        return errors;
    }

    public static Dictionary<string, string[]> ValidateCount(CountDevicesRequest request, out Segment? segment)
    {
        var errors = new Dictionary<string, string[]>();
        segment = null;
        if (request.Segment is { } json)
        {
            segment = SegmentRules.Read(json, "segment", (field, message) => AddError(errors, field, message));
        }
        else
        {
            errors["segment"] = ["segment is required: the conditions of API.md's segment target."];
        }

        return errors;
    }

    // A devices cursor holds the last device id of a page; another list's cursor or one with any other key is refused.
    public static bool TryDecodeCursor(string cursor, out string lastDeviceId) =>
        PageCursor.TryDecode(PageCursor.Devices, cursor, out lastDeviceId) && ApiPatterns.DeviceId().IsMatch(lastDeviceId);

    private static readonly string LimitRange = $"limit must be a whole number from 1 to {MaxPageSize}.";

    private static string? CheckAfter(string? cursor, Dictionary<string, string[]> errors)
    {
        if (cursor is null)
        {
            return null;
        }

        if (TryDecodeCursor(cursor, out var lastDeviceId))
        {
            return lastDeviceId;
        }

        errors["after"] = ["after must be the next cursor of a previous page."];
        return null;
    }

    private static void AddError(Dictionary<string, string[]> errors, string field, string message) =>
        errors[field] = errors.TryGetValue(field, out var messages) ? [.. messages, message] : [message];

    private static void CheckDeviceId(string deviceId, Dictionary<string, string[]> errors)
    {
        if (!ApiPatterns.DeviceId().IsMatch(deviceId))
        {
            errors["deviceId"] = [NotificationRules.DeviceIdShape];
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

    // A string, or null to clear the field.
    private static PatchField Field(JsonProperty member, Dictionary<string, string[]> errors)
    {
        switch (member.Value.ValueKind)
        {
            case JsonValueKind.String:
                return new PatchField(true, member.Value.GetString());
            case JsonValueKind.Null:
                return new PatchField(true, null);
            default:
                errors[member.Name] = [$"{member.Name} must be a string, or null to clear it."];
                return default;
        }
    }

    private static void CheckTimeZone(string? timeZone, Dictionary<string, string[]> errors)
    {
        if (timeZone is not null && !ApiPatterns.IsTimeZone(timeZone))
        {
            errors["timeZone"] = ["timeZone must be an IANA time-zone name, e.g. Asia/Seoul (case-sensitive; Windows ids are not accepted)."];
        }
    }

    // Tag keys and values; `removable`: a null value removes the tag (merge patch), otherwise it is refused.
    private static void CheckTags(IReadOnlyDictionary<string, string?> tags, bool removable, Dictionary<string, string[]> errors)
    {
        foreach (var (key, value) in tags)
        {
            if (!ApiPatterns.TagKey().IsMatch(key))
            {
                errors["tags"] = [$"Tag key '{key}' must be 1-64 characters, each an ASCII letter, a digit, '_', '.' or '-'."];
            }
            else if (value is null ? !removable : !ApiPatterns.IsTagValue(value))
            {
                errors["tags"] = [$"Tag '{key}' must be a string of 1-{ApiPatterns.MaxTagValueCharacters} characters without control characters."];
            }
        }
    }

    private static void CheckShortText(string field, string? value, Dictionary<string, string[]> errors)
    {
        if (value is { Length: > 0 } && !ApiPatterns.IsText(value, ApiPatterns.MaxShortTextCharacters))
        {
            errors[field] = [$"{field} must be at most {ApiPatterns.MaxShortTextCharacters} characters without control characters."];
        }
    }
}
