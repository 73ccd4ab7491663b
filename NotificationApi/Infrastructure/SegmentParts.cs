using System.Text.Json;
using System.Text.Json.Nodes;
using Pushboard.Contracts;

namespace Pushboard.NotificationApi.Infrastructure;

// A segment cut into parts whose device queries each fit DeviceApi's body limit (API.md: a service calling another
// splits its request). A segment may list 1,000 user ids of 256 characters, far more than the 64 KiB DeviceApi reads.
// Only its user ids are cut, distinct and in halves until each part fits: a device has one user, so the parts' devices
// are disjoint and together are the segment's, in at most as many parts as there are user ids. The other conditions go
// whole into every part; a segment whose other conditions alone do not fit is refused when it is sent (CanFit).
public static class SegmentParts
{
    // Room for the page cursor of a later page in each query.
    private const int CursorBytes = 512;

    // One null part when the target is not a segment.
    public static IEnumerable<JsonElement?> Of(JsonElement? segment)
    {
        if (segment is not { } whole)
        {
            yield return null;
            yield break;
        }

        if (Fits(whole))
        {
            yield return whole;
            yield break;
        }

        var first = JsonNode.Parse(whole.GetRawText())!.AsObject();
        if (first["userIds"] is JsonArray userIds)
        {
            first = With(first, Values(userIds).Distinct(StringComparer.Ordinal));
        }

        var parts = new Stack<JsonObject>([first]);
        while (parts.TryPop(out var part))
        {
            var element = JsonSerializer.SerializeToElement(part);
            if (Fits(element) || part["userIds"] is not JsonArray { Count: > 1 } ids)
            {
                yield return element;
                continue;
            }

            var values = Values(ids).ToList();
            parts.Push(With(part, values.Skip(values.Count / 2)));
            parts.Push(With(part, values.Take(values.Count / 2)));
        }
    }

    // Whether every part can fit: the segment with only its longest user id (if it has any) does.
    public static bool CanFit(JsonElement segment)
    {
        var single = JsonNode.Parse(segment.GetRawText())!.AsObject();
        if (single["userIds"] is JsonArray { Count: > 1 } userIds)
        {
            single = With(single, [Values(userIds).MaxBy(id => JsonSerializer.Serialize(id).Length)!]);
        }

        return Fits(JsonSerializer.SerializeToElement(single));
    }

    private static bool Fits(JsonElement segment) =>
        DeviceDirectory.QueryBody(new SegmentQuery(segment, null, DeviceDirectory.PageSize)).Length + CursorBytes <= BodyLimits.DeviceApi;

    private static IEnumerable<string> Values(JsonArray userIds) => userIds.Select(id => id!.GetValue<string>());

    // A copy of the part with the given user ids.
    private static JsonObject With(JsonObject part, IEnumerable<string> userIds)
    {
        var copy = part.DeepClone().AsObject();
        copy["userIds"] = new JsonArray([.. userIds.Select(id => (JsonNode)JsonValue.Create(id))]);
        return copy;
    }
}
