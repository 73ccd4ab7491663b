using System.Text.Json;

namespace Pushboard.Contracts.Segments;

// The rules of a `segment` (API.md), read from its JSON as given, every bad field reported at once. NotificationApi
// checks a segment target with them, DeviceApi the segment of a count or of a device query, so both refuse the same.
public static class SegmentRules
{
    public const int MaxUserIds = 1000;

    // Values per platform, locale or tag list: what a person composes, not a device list (that is userIds).
    public const int MaxListValues = 100;

    public const int MaxLocaleCharacters = 64;

    public const int MaxLastSeenWithinDays = 365;

    private static readonly string Fields = "platform, locale, appVersion, tags, userIds, lastSeenWithinDays";

    // The segment, or null when it breaks a rule; each broken rule is reported through addError(field, message), the
    // field named below `field` (e.g. "target.segment.appVersion.min"). A member given as null counts as absent.
    public static Segment? Read(JsonElement json, string field, Action<string, string> addError)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            addError(field, "segment must be an object of conditions.");
            return null;
        }

        if (JsonBodyText.Unstorable(json, field) is { } unstorable)
        {
            addError(unstorable.Field, unstorable.Message);
            return null;
        }

        var valid = true;
        void Error(string name, string message)
        {
            valid = false;
            addError($"{field}.{name}", message);
        }

        var segment = new Segment();
        var conditions = 0;
        if (JsonNames.Repeated(json) is { } repeated)
        {
            Error(repeated, JsonNames.GivenTwice(repeated));
        }

        foreach (var member in json.EnumerateObject())
        {
            if (member.Value.ValueKind == JsonValueKind.Null && member.Name is "platform" or "locale" or "appVersion" or "tags" or "userIds" or "lastSeenWithinDays")
            {
                continue;
            }

            conditions++;
            switch (member.Name)
            {
                case "platform":
                    segment = segment with { Platform = Strings(member.Value, MaxListValues, ApiPatterns.Platforms.Contains, "platform", "android, ios or web", Error) };
                    break;
                case "locale":
                    segment = segment with
                    {
                        Locale = Strings(member.Value, MaxListValues, value => ApiPatterns.IsText(value, MaxLocaleCharacters), "locale",
                            $"1–{MaxLocaleCharacters} characters without control characters", Error),
                    };
                    break;
                case "appVersion":
                    segment = segment with { AppVersion = ReadAppVersion(member.Value, Error) };
                    break;
                case "tags":
                    segment = segment with { Tags = ReadTags(member.Value, Error) };
                    break;
                case "userIds":
                    segment = segment with
                    {
                        UserIds = Strings(member.Value, MaxUserIds, ApiPatterns.IsUserId, "userIds",
                            $"1–{ApiPatterns.MaxUserIdCharacters} characters without control characters", Error),
                    };
                    break;
                case "lastSeenWithinDays":
                    if (member.Value.ValueKind == JsonValueKind.Number && member.Value.TryGetInt32(out var days) && days is >= 1 and <= MaxLastSeenWithinDays)
                    {
                        segment = segment with { LastSeenWithinDays = days };
                    }
                    else
                    {
                        Error("lastSeenWithinDays", $"lastSeenWithinDays must be a whole number of days from 1 to {MaxLastSeenWithinDays}.");
                    }

                    break;
                default:
                    Error(member.Name, $"A segment has no field '{member.Name}'; its fields are {Fields}.");
                    break;
            }
        }

        if (conditions == 0)
        {
            valid = false;
            addError(field, "A segment needs at least one condition; to target every active device, say all: true.");
        }

        return valid ? segment : null;
    }

    // A JSON array of 1–max strings, each valid; null (after an error) otherwise.
    private static List<string>? Strings(
        JsonElement json, int max, Func<string, bool> isValid, string name, string shape, Action<string, string> error)
    {
        var message = $"{name} must be a list of 1–{max} values, each {shape}.";
        if (json.ValueKind != JsonValueKind.Array || json.GetArrayLength() is 0 || json.GetArrayLength() > max
            || json.EnumerateArray().Any(value => value.ValueKind != JsonValueKind.String || !isValid(value.GetString()!)))
        {
            error(name, message);
            return null;
        }

        return [.. json.EnumerateArray().Select(value => value.GetString()!)];
    }

    private static AppVersionRange? ReadAppVersion(JsonElement json, Action<string, string> error)
    {
        const string Shape = "1–3 dot-separated non-negative integers, optionally followed by -prerelease and/or +build (e.g. 3.10, 3.10.1-beta.2)";
        if (json.ValueKind != JsonValueKind.Object)
        {
            error("appVersion", "appVersion must be an object with min and/or max.");
            return null;
        }

        var range = new AppVersionRange();
        var bounds = new Dictionary<string, AppVersion>();
        var valid = true;
        foreach (var member in json.EnumerateObject())
        {
            if (member.Name is not "min" and not "max")
            {
                error($"appVersion.{member.Name}", $"appVersion has no field '{member.Name}'; its fields are min and max.");
                valid = false;
            }
            else if (member.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }
            else if (member.Value.ValueKind != JsonValueKind.String || !AppVersion.TryParse(member.Value.GetString(), out var version))
            {
                error($"appVersion.{member.Name}", $"appVersion.{member.Name} must be a version of at most {AppVersion.MaxLength} characters: {Shape}.");
                valid = false;
            }
            else
            {
                bounds[member.Name] = version;
                range = member.Name == "min" ? range with { Min = member.Value.GetString() } : range with { Max = member.Value.GetString() };
            }
        }

        if (valid && bounds.Count == 0)
        {
            error("appVersion", "appVersion needs a min, a max or both.");
            return null;
        }

        if (bounds.TryGetValue("min", out var min) && bounds.TryGetValue("max", out var max) && min.CompareTo(max) > 0)
        {
            error("appVersion", $"appVersion.min ({range.Min}) is above appVersion.max ({range.Max}).");
            return null;
        }

        return valid ? range : null;
    }

    private static Dictionary<string, IReadOnlyList<string>>? ReadTags(JsonElement json, Action<string, string> error)
    {
        if (json.ValueKind != JsonValueKind.Object || json.EnumerateObject().Count() is 0 or > ApiPatterns.MaxTags)
        {
            error("tags", $"tags must be an object of 1–{ApiPatterns.MaxTags} tags, each key: value or key: [values].");
            return null;
        }

        var tags = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var valid = true;
        foreach (var tag in json.EnumerateObject())
        {
            var name = $"tags.{tag.Name}";
            var values = tag.Value.ValueKind == JsonValueKind.String && ApiPatterns.IsTagValue(tag.Value.GetString()!)
                ? [tag.Value.GetString()!]
                : Strings(tag.Value, MaxListValues, ApiPatterns.IsTagValue, name,
                    $"1–{ApiPatterns.MaxTagValueCharacters} characters without control characters (or a single such value)", error);
            if (!ApiPatterns.TagKey().IsMatch(tag.Name))
            {
                error(name, "A tag key is 1–64 characters: ASCII letters, digits, '_', '.' or '-'.");
                valid = false;
            }
            else if (values is null)
            {
                valid = false;
            }
            else
            {
                tags[tag.Name] = values;
            }
        }

        return valid ? tags : null;
    }
}
