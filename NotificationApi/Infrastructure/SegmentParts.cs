using System.Text.Json;
using System.Text.Json.Nodes;
using Pushboard.Contracts;

namespace Pushboard.NotificationApi.Infrastructure;

// A segment cut into parts whose device queries each fit DeviceApi's body limit (API.md: a service calling another
// splits its request). A segment may list 1,000 user ids of 256 characters, far more than the 64 KiB DeviceApi reads.
// Only a list of values that a device matches at most one of is cut (userIds, one tag's values), in halves, the longest
// first, until each part fits: the parts' devices are disjoint and together are the segment's. A part that cannot be
// cut further is sent as it is, and DeviceApi's 413 ends the resolution with its reason.
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

        var parts = new Stack<JsonObject>();
        parts.Push(JsonNode.Parse(whole.GetRawText())!.AsObject());
        while (parts.TryPop(out var part))
        {
            var element = JsonSerializer.SerializeToElement(part);
            if (Fits(element) || LongestList(part) is not { } list)
            {
                yield return element;
                continue;
            }

            var half = list.Count / 2;
            parts.Push(With(part, list, list.Skip(half)));
            parts.Push(With(part, list, list.Take(half)));
        }
    }

    private static bool Fits(JsonElement segment) =>
        DeviceDirectory.QueryBody(new SegmentQuery(segment, null, DeviceDirectory.PageSize)).Length + CursorBytes <= BodyLimits.DeviceApi;

    // Of userIds and the tags given as lists, the longest written out that has two values or more.
    private static JsonArray? LongestList(JsonObject part)
    {
        IEnumerable<JsonArray?> lists = [part["userIds"] as JsonArray, .. (part["tags"] as JsonObject)?.Select(tag => tag.Value as JsonArray) ?? []];
        return lists.OfType<JsonArray>().Where(list => list.Count > 1).MaxBy(list => list.ToJsonString().Length);
    }

    // A copy of the part in which the list (userIds, or a tag's values) has the given values.
    private static JsonObject With(JsonObject part, JsonArray list, IEnumerable<JsonNode?> values)
    {
        var copy = part.DeepClone().AsObject();
        var owner = ReferenceEquals(list.Parent, part) ? copy : copy["tags"]!.AsObject();
        owner[list.GetPropertyName()] = new JsonArray([.. values.Select(value => value?.DeepClone())]);
        return copy;
    }
}
