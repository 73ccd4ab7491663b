using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pushboard.NotificationApi.Apis;

namespace Pushboard.NotificationApi.Fcm;

// Maps a request onto an FCM v1 message without its target; the target (token or topic) is added per send.
public static class FcmMessageBuilder
{
    public const int MaxPayloadBytes = 4096;
    public const int MaxTopicPayloadBytes = 2048;

    // The message is JSON in an HTTP body, never HTML: text beyond ASCII is stored and sent as itself, not as \u escapes.
    private static readonly JsonSerializerOptions MessageJsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // now: the moment the message is built, from which APNs' absolute expiration is counted.
    public static JsonObject Build(SendNotificationRequest request, DateTimeOffset now)
    {
        var message = new JsonObject();
        if (request.Notification is { } content)
        {
            var notification = new JsonObject();
            AddIfSet(notification, "title", content.Title);
            AddIfSet(notification, "body", content.Body);
            AddIfSet(notification, "image", content.ImageUrl);
            message["notification"] = notification;
        }

        if (request.Data is { Count: > 0 } data)
        {
            message["data"] = new JsonObject(data.Select(pair => KeyValuePair.Create(pair.Key, (JsonNode?)JsonValue.Create(pair.Value.ToString()))));
        }

        var android = new JsonObject();
        var apnsHeaders = new JsonObject();
        var webpushHeaders = new JsonObject();
        if (request.TtlSeconds is { } ttl)
        {
            android["ttl"] = ttl.ToString(CultureInfo.InvariantCulture) + "s";
            apnsHeaders["apns-expiration"] = ttl == 0
                ? "0"
                : now.AddSeconds(ttl).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            webpushHeaders["TTL"] = ttl.ToString(CultureInfo.InvariantCulture);
        }

        if (request.Priority is "high")
        {
            android["priority"] = "HIGH";
            apnsHeaders["apns-priority"] = "10";
            webpushHeaders["Urgency"] = "high";
        }
        else if (request.Priority is "normal")
        {
            android["priority"] = "NORMAL";
            apnsHeaders["apns-priority"] = "5";
            webpushHeaders["Urgency"] = "normal";
        }

        if (request.CollapseKey is { } collapseKey)
        {
            android["collapse_key"] = collapseKey;
            apnsHeaders["apns-collapse-id"] = collapseKey;
            webpushHeaders["Topic"] = WebPushTopic(collapseKey);
        }

        AddSection(message, "android", android, request.Android);
        AddSection(message, "apns", apnsHeaders.Count > 0 ? new JsonObject { ["headers"] = apnsHeaders } : [], request.Apns);
        AddSection(message, "webpush", webpushHeaders.Count > 0 ? new JsonObject { ["headers"] = webpushHeaders } : [], request.Webpush);
        return message;
    }

    // The message as it is stored and sent.
    public static string Encode(JsonObject message) => message.ToJsonString(MessageJsonOptions);

    // The size FCM's limits apply to: the message as compact JSON escaping only what JSON requires (a quote, a backslash,
    // a control character), in UTF-8 bytes. No encoder of System.Text.Json writes that: the relaxed one still escapes
    // every character beyond the BMP, an emoji as 12 bytes for its 4.
    public static int PayloadBytes(JsonNode? node) => node switch
    {
        null => 4,
        JsonObject members => 2 + Math.Max(members.Count - 1, 0) + members.Sum(member => StringBytes(member.Key) + 1 + PayloadBytes(member.Value)),
        JsonArray items => 2 + Math.Max(items.Count - 1, 0) + items.Sum(PayloadBytes),
        JsonValue value when value.GetValueKind() == JsonValueKind.String => StringBytes(value.GetValue<string>()),
        _ => Encoding.UTF8.GetByteCount(node.ToJsonString()),
    };

    private static int StringBytes(string text)
    {
        var bytes = 2 + Encoding.UTF8.GetByteCount(text);
        foreach (var c in text)
        {
            bytes += c switch
            {
                '"' or '\\' or '\b' or '\f' or '\n' or '\r' or '\t' => 1,
                < ' ' => 5,
                _ => 0,
            };
        }

        return bytes;
    }

    // The ttlSeconds from which the message's apns-expiration is derived at each send; null when there is none to derive
    // (no ttlSeconds, 0 which means "once, now", or the request's apns headers set apns-expiration themselves).
    public static long? ApnsTtlSeconds(SendNotificationRequest request) =>
        request.TtlSeconds is > 0 && request.Apns?["headers"]?["apns-expiration"] is null ? request.TtlSeconds : null;

    // The stored message with apns-expiration counted from `now`, the moment of sending.
    public static string WithApnsExpiration(string messageJson, long? apnsTtlSeconds, DateTimeOffset now)
    {
        if (apnsTtlSeconds is not { } ttl || JsonNode.Parse(messageJson) is not JsonObject message
            || message["apns"]?["headers"] is not JsonObject headers)
        {
            return messageJson;
        }

        headers["apns-expiration"] = now.AddSeconds(ttl).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return Encode(message);
    }

    // RFC 8030 (5.4): a push service refuses a Topic of more than 32 characters or outside the base64url alphabet. A
    // collapseKey that is one already is the Topic; any other becomes the first 24 bytes of its SHA-256 in base64url
    // (32 characters), so one collapseKey is still one Topic.
    private static string WebPushTopic(string collapseKey) =>
        collapseKey.Length <= 32 && collapseKey.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? collapseKey
            : Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(collapseKey)).AsSpan(0, 24));

    // The request's own android/apns/webpush objects are FCM's and win over what was derived.
    private static void AddSection(JsonObject message, string name, JsonObject derived, JsonObject? given)
    {
        if (given is not null)
        {
            Merge(derived, given);
        }

        if (derived.Count > 0)
        {
            message[name] = derived;
        }
    }

    private static void Merge(JsonObject target, JsonObject source)
    {
        foreach (var (key, value) in source)
        {
            if (value is JsonObject sourceObject && target[key] is JsonObject targetObject)
            {
                Merge(targetObject, sourceObject);
            }
            else
            {
                target[key] = value?.DeepClone();
            }
        }
    }

    private static void AddIfSet(JsonObject target, string name, string? value)
    {
        if (value is not null)
        {
            target[name] = value;
        }
    }
}
