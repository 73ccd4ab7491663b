using System.Globalization;
using Pushboard.Contracts;

namespace Pushboard.Web.Services;

public sealed class DataPair
{
    public string? Key { get; set; }
    public string? Value { get; set; }
}

// When a notification goes out: now, at one moment (sendAt), or at a wall-clock time in each device's zone (localTime).
public static class ComposeTiming
{
    public const string Now = "now";
    public const string SendAt = "sendAt";
    public const string LocalTime = "localTime";
}

// The compose form, checked with the rules and messages of NotificationApi before it is sent.
public sealed class ComposeModel
{
    public const string SendAtRequired = "Choose the date and the time (UTC) to send at.";
    public const string LocalTimeRequired = "Choose the time of day (HH:mm) to deliver at.";

    public string TargetKind { get; set; } = "deviceIds";
    public string? TargetValue { get; set; }
    public SegmentModel Segment { get; } = new();
    public string? Title { get; set; }
    public string? Body { get; set; }
    public string? ImageUrl { get; set; }
    public List<DataPair> Data { get; } = [];
    public string Priority { get; set; } = "normal";
    public long? TtlSeconds { get; set; }

    public string Timing { get; set; } = ComposeTiming.Now;

    // The moment to send at, entered in UTC: the date's day and the time's time of day (the pickers' other parts are ignored).
    public DateTime? SendAtDate { get; set; }
    public DateTime? SendAtTime { get; set; }

    // The wall-clock time of day (its time of day only).
    public DateTime? LocalTime { get; set; }

    public IReadOnlyList<string> DeviceIds => ListInput.Split(TargetValue);

    // API.md's sendAt: UTC, ending in Z.
    public string? SendAt => Timing == ComposeTiming.SendAt && SendAtDate is { } date && SendAtTime is { } time
        ? (date.Date + new TimeSpan(time.Hour, time.Minute, 0)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
        : null;

    public string? LocalTimeOfDay => Timing == ComposeTiming.LocalTime ? LocalTime?.ToString("HH:mm", CultureInfo.InvariantCulture) : null;

    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        switch (TargetKind)
        {
            case "deviceIds" when DeviceIds.Count is 0 or > NotificationRules.MaxDeviceIds:
                errors["target.deviceIds"] = [NotificationRules.DeviceIdsCount];
                break;
            case "deviceIds" when DeviceIds.Any(id => !ApiPatterns.DeviceId().IsMatch(id)):
                errors["target.deviceIds"] = [NotificationRules.DeviceIdShape];
                break;
            case "userId" when TargetValue is null || !ApiPatterns.IsUserId(TargetValue):
                errors["target.userId"] = [NotificationRules.UserIdShape];
                break;
            case "topic" when TargetValue is null || !ApiPatterns.Topic().IsMatch(TargetValue):
                errors["target.topic"] = [NotificationRules.TopicShape];
                break;
            case "segment":
                foreach (var (field, messages) in Segment.Validate("target.segment"))
                {
                    errors[field] = messages;
                }

                break;
        }

        if (Timing == ComposeTiming.SendAt && SendAt is null)
        {
            errors["sendAt"] = [SendAtRequired];
        }

        if (Timing == ComposeTiming.LocalTime && (TargetKind == "topic" || LocalTimeOfDay is null))
        {
            errors["localTime"] = [TargetKind == "topic" ? NotificationRules.LocalTimeWithTopic : LocalTimeRequired];
        }

        var data = Data.Where(pair => !string.IsNullOrEmpty(pair.Key)).ToList();
        if (string.IsNullOrEmpty(Title) && string.IsNullOrEmpty(Body) && string.IsNullOrEmpty(ImageUrl) && data.Count == 0)
        {
            errors["notification"] = [NotificationRules.ContentRequired];
        }

        if (!string.IsNullOrEmpty(ImageUrl) && !NotificationRules.IsImageUrl(ImageUrl))
        {
            errors["notification.imageUrl"] = [NotificationRules.ImageUrlShape];
        }

        if (TtlSeconds is < 0 or > NotificationRules.MaxTtlSeconds)
        {
            errors["ttlSeconds"] = [NotificationRules.TtlRange];
        }

        if (data.GroupBy(pair => pair.Key).Any(group => group.Count() > 1))
        {
            errors["data"] = ["data keys must be distinct."];
        }

        return errors;
    }

    public object ToRequest()
    {
        object target = TargetKind switch
        {
            "deviceIds" => new { deviceIds = DeviceIds },
            "userId" => new { userId = TargetValue },
            "topic" => new { topic = TargetValue },
            "segment" => new { segment = Segment.ToJson() },
            _ => new { all = true },
        };
        var notification = string.IsNullOrEmpty(Title) && string.IsNullOrEmpty(Body) && string.IsNullOrEmpty(ImageUrl)
            ? null
            : new { title = NullIfEmpty(Title), body = NullIfEmpty(Body), imageUrl = NullIfEmpty(ImageUrl) };
        var data = Data.Where(pair => !string.IsNullOrEmpty(pair.Key)).ToDictionary(pair => pair.Key!, pair => pair.Value ?? "");
        return new
        {
            target, notification, data = data.Count > 0 ? data : null, priority = Priority, ttlSeconds = TtlSeconds,
            sendAt = SendAt, localTime = LocalTimeOfDay,
        };
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
