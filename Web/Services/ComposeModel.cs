using Pushboard.Contracts;

namespace Pushboard.Web.Services;

public sealed class DataPair
{
    public string? Key { get; set; }
    public string? Value { get; set; }
}

// The compose form, checked with the rules and messages of NotificationApi before it is sent.
public sealed class ComposeModel
{
    public string TargetKind { get; set; } = "deviceIds";
    public string? TargetValue { get; set; }
    public string? Title { get; set; }
    public string? Body { get; set; }
    public string? ImageUrl { get; set; }
    public List<DataPair> Data { get; } = [];
    public string Priority { get; set; } = "normal";
    public long? TtlSeconds { get; set; }

    public IReadOnlyList<string> DeviceIds =>
        [.. (TargetValue ?? "").Split([',', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

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
        }

        var data = Data.Where(pair => !string.IsNullOrEmpty(pair.Key)).ToList();
        if (string.IsNullOrEmpty(Title) && string.IsNullOrEmpty(Body) && string.IsNullOrEmpty(ImageUrl) && data.Count == 0)
        {
            errors["notification"] = [NotificationRules.ContentRequired];
        }

        if (!string.IsNullOrEmpty(ImageUrl) && !Uri.TryCreate(ImageUrl, UriKind.Absolute, out _))
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
            _ => new { all = true },
        };
        var notification = string.IsNullOrEmpty(Title) && string.IsNullOrEmpty(Body) && string.IsNullOrEmpty(ImageUrl)
            ? null
            : new { title = NullIfEmpty(Title), body = NullIfEmpty(Body), imageUrl = NullIfEmpty(ImageUrl) };
        var data = Data.Where(pair => !string.IsNullOrEmpty(pair.Key)).ToDictionary(pair => pair.Key!, pair => pair.Value ?? "");
        return new { target, notification, data = data.Count > 0 ? data : null, priority = Priority, ttlSeconds = TtlSeconds };
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
