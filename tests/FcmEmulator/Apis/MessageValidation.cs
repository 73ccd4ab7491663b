using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Pushboard.FcmEmulator.Apis;

public sealed record MessageTarget(string? Token, string? Topic, string? Condition);

public sealed record ValidationFailure(string Field, string Description);

// The checks FCM's messages:send makes on a message, answered with FCM's own field paths.
public static partial class MessageValidation
{
    public const int MaxPayloadBytes = 4096;
    public const int MaxTopicPayloadBytes = 2048;
    private const long MaxTtlSeconds = 2_419_200;
    private static readonly string[] TargetFields = ["token", "topic", "condition"];

    public static ValidationFailure? Validate(JsonElement message, out MessageTarget target)
    {
        target = new MessageTarget(StringOrNull(message, "token"), StringOrNull(message, "topic"), StringOrNull(message, "condition"));

        var targets = TargetFields.Count(field => message.TryGetProperty(field, out _));
        if (targets != 1)
        {
            return new("message", "exactly one of token, topic or condition must be set");
        }

        if (target is { Token: null, Topic: null, Condition: null } || (target.Token ?? target.Topic ?? target.Condition)!.Length == 0)
        {
            return new("message", "the target must be a non-empty string");
        }

        if (target.Topic is not null && !TopicPattern().IsMatch(target.Topic.StartsWith("/topics/", StringComparison.Ordinal) ? target.Topic[8..] : target.Topic))
        {
            return new("message.topic", "invalid topic name");
        }

        if (message.TryGetProperty("data", out var data) && data.ValueKind != JsonValueKind.Null)
        {
            if (data.ValueKind != JsonValueKind.Object)
            {
                return new("message.data", "data must be a map of strings");
            }

            foreach (var pair in data.EnumerateObject())
            {
                if (pair.Value.ValueKind != JsonValueKind.String)
                {
                    return new($"message.data[{pair.Name}]", "data values must be strings");
                }
            }
        }

        if (message.TryGetProperty("android", out var android) && android.ValueKind == JsonValueKind.Object
            && android.TryGetProperty("ttl", out var ttl) && ttl.ValueKind != JsonValueKind.Null && !IsValidTtl(ttl))
        {
            return new("message.android.ttl", "ttl must be a duration like \"3600s\" between 0 and 2419200 seconds");
        }

        var payloadBytes = PayloadBytes(message);
        var limit = target.Topic is not null ? MaxTopicPayloadBytes : MaxPayloadBytes;
        if (payloadBytes > limit)
        {
            return new("message", $"Message is too big: {payloadBytes} bytes; the limit is {limit} bytes");
        }

        return null;
    }

    private static string? StringOrNull(JsonElement message, string field) =>
        message.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool IsValidTtl(JsonElement ttl)
    {
        if (ttl.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        var match = DurationPattern().Match(ttl.GetString()!);
        return match.Success && long.TryParse(match.Groups[1].Value, out var seconds) && seconds <= MaxTtlSeconds;
    }

    // The size of the message without its target: compact JSON escaping only what JSON requires (a quote, a backslash, a
    // control character), in UTF-8 bytes, however the sender escaped it.
    private static int PayloadBytes(JsonElement message) =>
        ObjectBytes([.. message.EnumerateObject().Where(property => !TargetFields.Contains(property.Name))]);

    private static int ObjectBytes(List<JsonProperty> members) =>
        2 + Math.Max(members.Count - 1, 0) + members.Sum(property => StringBytes(property.Name) + 1 + Bytes(property.Value));

    private static int Bytes(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Object => ObjectBytes([.. json.EnumerateObject()]),
        JsonValueKind.Array => 2 + Math.Max(json.GetArrayLength() - 1, 0) + json.EnumerateArray().Sum(Bytes),
        JsonValueKind.String => StringBytes(json.GetString()!),
        _ => Encoding.UTF8.GetByteCount(json.GetRawText()),
    };

    private static int StringBytes(string text) =>
        2 + Encoding.UTF8.GetByteCount(text) + text.Sum(c => c switch
        {
            '"' or '\\' or '\b' or '\f' or '\n' or '\r' or '\t' => 1,
            < ' ' => 5,
            _ => 0,
        });

    [GeneratedRegex("^[a-zA-Z0-9-_.~%]{1,900}$")]
    private static partial Regex TopicPattern();

    [GeneratedRegex(@"^(\d{1,7})(\.\d{1,9})?s$")]
    private static partial Regex DurationPattern();
}
