using System.Text.Json;
using System.Text.Json.Nodes;
using Pushboard.Contracts;
using Pushboard.Contracts.Segments;
using Pushboard.NotificationApi.Fcm;
using Pushboard.NotificationApi.Infrastructure;

namespace Pushboard.NotificationApi.Apis;

// The checks of API.md, every bad field reported at once.
public static class NotificationValidation
{
    // now: the moment the FCM message is built at, which its size depends on (apns-expiration).
    public static Dictionary<string, string[]> Validate(SendNotificationRequest request, DateTimeOffset now)
    {
        var errors = new Dictionary<string, List<string>>();
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var messages))
            {
                errors[field] = messages = [];
            }

            messages.Add(message);
        }

        ValidateTarget(request.Target, Add);

        if (request.Notification is null && (request.Data is null || request.Data.Count == 0))
        {
            Add("notification", NotificationRules.ContentRequired);
        }

        if (request.Notification is { } content && content.Title is null && content.Body is null && content.ImageUrl is null)
        {
            Add("notification", "notification needs a title, a body or an imageUrl.");
        }

        if (request.Notification?.ImageUrl is { } imageUrl && !NotificationRules.IsImageUrl(imageUrl))
        {
            Add("notification.imageUrl", NotificationRules.ImageUrlShape);
        }

        foreach (var (key, value) in request.Data ?? [])
        {
            if (value.ValueKind != JsonValueKind.String)
            {
                Add($"data.{key}", "data values must be strings.");
            }
        }

        if (request.Priority is not null and not "normal" and not "high")
        {
            Add("priority", "priority must be normal or high.");
        }

        if (request.TtlSeconds is < 0 or > NotificationRules.MaxTtlSeconds)
        {
            Add("ttlSeconds", NotificationRules.TtlRange);
        }

        // The platform sections are FCM's and pass through as given, but their headers are read here (apns-expiration).
        foreach (var (name, section) in new[] { ("android", request.Android), ("apns", request.Apns), ("webpush", request.Webpush) })
        {
            if (section is not null && JsonNames.Repeated(JsonSerializer.SerializeToElement(section), name) is { } repeated)
            {
                Add(repeated, JsonNames.GivenTwice(repeated));
            }
            else if (name != "android" && section?["headers"] is { } headers && headers is not JsonObject)
            {
                Add($"{name}.headers", $"{name}.headers must be an object of headers.");
            }
        }

        if (request.CollapseKey is { } collapseKey && !NotificationRules.IsCollapseKey(collapseKey))
        {
            Add("collapseKey", NotificationRules.CollapseKeyShape);
        }

        if (request.SendAt is { } sendAt
            && (NotificationRules.ParseSendAt(sendAt) is not { } at || at > (now + NotificationRules.MaxScheduleAhead).UtcDateTime))
        {
            Add("sendAt", NotificationRules.SendAtShape);
        }

        if (request.LocalTime is { } localTime)
        {
            if (NotificationRules.ParseLocalTime(localTime) is null)
            {
                Add("localTime", NotificationRules.LocalTimeShape);
            }
            else if (request.Target?.Topic is not null)
            {
                Add("localTime", NotificationRules.LocalTimeWithTopic);
            }
        }

        if (errors.Count == 0)
        {
            var limit = request.Target!.Topic is not null ? FcmMessageBuilder.MaxTopicPayloadBytes : FcmMessageBuilder.MaxPayloadBytes;
            var size = FcmMessageBuilder.PayloadBytes(FcmMessageBuilder.Build(request, now));
            if (size > limit)
            {
                Add("payload", $"The encoded FCM message is {size} bytes; FCM's limit is {limit} bytes{(limit == FcmMessageBuilder.MaxTopicPayloadBytes ? " for topic messages" : "")}.");
            }
        }

        return errors.ToDictionary(entry => entry.Key, entry => entry.Value.ToArray());
    }

    private static void ValidateTarget(NotificationTarget? target, Action<string, string> add)
    {
        if (target is null)
        {
            add("target", "target is required: one of deviceIds, userId, topic, segment or all: true.");
            return;
        }

        var kinds = (target.DeviceIds is not null ? 1 : 0) + (target.UserId is not null ? 1 : 0)
            + (target.Topic is not null ? 1 : 0) + (target.All is not null ? 1 : 0) + (target.Segment is not null ? 1 : 0);
        if (kinds != 1)
        {
            add("target", "target must hold exactly one of deviceIds, userId, topic, segment or all: true.");
            return;
        }

        if (target.DeviceIds is { } deviceIds)
        {
            if (deviceIds.Count is 0 or > NotificationRules.MaxDeviceIds)
            {
                add("target.deviceIds", NotificationRules.DeviceIdsCount);
            }
            else if (deviceIds.Any(id => id is null || !ApiPatterns.DeviceId().IsMatch(id)))
            {
                add("target.deviceIds", NotificationRules.DeviceIdShape);
            }
            else if (deviceIds.Distinct(StringComparer.Ordinal).Count() != deviceIds.Count)
            {
                add("target.deviceIds", "deviceIds must be distinct.");
            }
        }

        if (target.UserId is { } userId && !ApiPatterns.IsUserId(userId))
        {
            add("target.userId", NotificationRules.UserIdShape);
        }

        if (target.Topic is { } topic && !ApiPatterns.Topic().IsMatch(topic))
        {
            add("target.topic", NotificationRules.TopicShape);
        }

        if (target.Segment is { } segment && SegmentRules.Read(segment, "target.segment", add) is not null && !SegmentParts.CanFit(segment))
        {
            add("target.segment", $"segment's conditions besides userIds must fit one DeviceApi query ({BodyLimits.DeviceApi / 1024} KiB) with one user id.");
        }

        if (target.All is false)
        {
            add("target.all", "all must be true when given.");
        }
    }
}
