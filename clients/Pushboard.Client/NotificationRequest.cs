using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Pushboard.Contracts.Segments;

namespace Pushboard.Client;

/// <summary>The body of <c>POST /api/notifications</c>. At least one of <see cref="Notification"/> and <see cref="Data"/>.</summary>
/// <param name="Target">Who receives it.</param>
public sealed record NotificationRequest(NotificationTarget Target)
{
    /// <summary>What the device shows.</summary>
    public NotificationContent? Notification { get; init; }

    /// <summary>Key-value data handed to the app.</summary>
    public IReadOnlyDictionary<string, string>? Data { get; init; }

    /// <summary><c>normal</c> or <c>high</c>.</summary>
    public string? Priority { get; init; }

    /// <summary>How long FCM keeps it for an offline device: 0–2,419,200 s.</summary>
    public long? TtlSeconds { get; init; }

    /// <summary>A later message with the same key replaces this one on the device.</summary>
    public string? CollapseKey { get; init; }

    /// <summary>FCM's own <c>android</c> object, merged over what Pushboard derives.</summary>
    public JsonObject? Android { get; init; }

    /// <summary>FCM's own <c>apns</c> object, merged over what Pushboard derives.</summary>
    public JsonObject? Apns { get; init; }

    /// <summary>FCM's own <c>webpush</c> object, merged over what Pushboard derives.</summary>
    public JsonObject? Webpush { get; init; }

    /// <summary>Holds the notification until then (at most 30 days ahead; a past time means now).</summary>
    [JsonConverter(typeof(UtcTimestampConverter))]
    public DateTimeOffset? SendAt { get; init; }

    /// <summary>Sends to each device at this wall-clock time in the device's own time zone (not with a topic).</summary>
    [JsonConverter(typeof(LocalTimeConverter))]
    public TimeOnly? LocalTime { get; init; }
}

/// <summary>What the device shows.</summary>
/// <param name="Title">The title.</param>
/// <param name="Body">The text.</param>
/// <param name="ImageUrl">An absolute URL of an image.</param>
public sealed record NotificationContent(string? Title = null, string? Body = null, string? ImageUrl = null);

/// <summary>Exactly one of its fields: build it with <see cref="ToDevices"/>, <see cref="ToUser"/>, <see cref="ToTopic"/>, <see cref="ToSegment"/> or <see cref="ToAll"/>.</summary>
public sealed record NotificationTarget
{
    private NotificationTarget()
    {
    }

    /// <summary>The listed devices (1–1000 distinct ids).</summary>
    public IReadOnlyList<string>? DeviceIds { get; private init; }

    /// <summary>Every active device of a user.</summary>
    public string? UserId { get; private init; }

    /// <summary>An FCM topic, sent as one topic message.</summary>
    public string? Topic { get; private init; }

    /// <summary>The active devices with these attributes.</summary>
    public Segment? Segment { get; private init; }

    /// <summary>True: every active device.</summary>
    public bool? All { get; private init; }

    /// <summary>The listed devices.</summary>
    public static NotificationTarget ToDevices(params IEnumerable<string> deviceIds) => new() { DeviceIds = [.. deviceIds] };

    /// <summary>Every active device of the user.</summary>
    public static NotificationTarget ToUser(string userId) => new() { UserId = userId };

    /// <summary>An FCM topic.</summary>
    public static NotificationTarget ToTopic(string topic) => new() { Topic = topic };

    /// <summary>The active devices a segment matches when the notification is resolved.</summary>
    public static NotificationTarget ToSegment(Segment segment) => new() { Segment = segment };

    /// <summary>Every active device.</summary>
    public static NotificationTarget ToAll() => new() { All = true };
}
