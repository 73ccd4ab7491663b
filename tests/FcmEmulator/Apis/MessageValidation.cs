using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
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

    public static ValidationFailure? Validate(JsonObject message, out MessageTarget target)
    {
        target = new MessageTarget(
            message["token"]?.GetValueKind() == JsonValueKind.String ? message["token"]!.GetValue<string>() : null,
            message["topic"]?.GetValueKind() == JsonValueKind.String ? message["topic"]!.GetValue<string>() : null,
            message["condition"]?.GetValueKind() == JsonValueKind.String ? message["condition"]!.GetValue<string>() : null);

        var targets = TargetFields.Count(field => message.ContainsKey(field));
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

        if (message["data"] is JsonNode data)
        {
            if (data is not JsonObject dataObject)
            {
                return new("message.data", "data must be a map of strings");
            }

            foreach (var (key, value) in dataObject)
            {
                if (value?.GetValueKind() != JsonValueKind.String)
                {
                    return new($"message.data[{key}]", "data values must be strings");
                }
            }
        }

        if (message["android"]?["ttl"] is JsonNode ttl && !IsValidTtl(ttl))
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

    private static bool IsValidTtl(JsonNode ttl)
    {
        if (ttl.GetValueKind() != JsonValueKind.String)
        {
            return false;
        }

        var match = DurationPattern().Match(ttl.GetValue<string>());
        return match.Success && long.TryParse(match.Groups[1].Value, out var seconds) && seconds <= MaxTtlSeconds;
    }

    private static int PayloadBytes(JsonObject message)
    {
        var withoutTarget = new JsonObject();
        foreach (var (key, value) in message)
        {
            if (!TargetFields.Contains(key))
            {
                withoutTarget[key] = value?.DeepClone();
            }
        }

        return Encoding.UTF8.GetByteCount(withoutTarget.ToJsonString());
    }

    [GeneratedRegex("^[a-zA-Z0-9-_.~%]{1,900}$")]
    private static partial Regex TopicPattern();

    [GeneratedRegex(@"^(\d{1,7})(\.\d{1,9})?s$")]
    private static partial Regex DurationPattern();
}
