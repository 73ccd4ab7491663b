using System.Text.Json;
using System.Text.Json.Nodes;
using Pushboard.Contracts;
using Pushboard.Contracts.Segments;

namespace Pushboard.Web.Services;

// The segment builder of the compose form. It only shapes what the operator typed into API.md's `segment` JSON (a
// condition left blank is left out); whether that segment is valid is Contracts' SegmentRules' to say, here before
// sending and in both APIs.
public sealed class SegmentModel
{
    public HashSet<string> Platforms { get; } = new(StringComparer.Ordinal);

    // Comma- or space-separated, e.g. "ko, en-US".
    public string? Locales { get; set; }

    public string? AppVersionMin { get; set; }

    public string? AppVersionMax { get; set; }

    // key = value pairs; a key given twice matches either value.
    public List<DataPair> Tags { get; } = [];

    public int? LastSeenWithinDays { get; set; }

    public bool IsEmpty => !ToJson().EnumerateObject().Any();

    public IReadOnlyList<string> TagKeys => [.. Tags.Select(tag => tag.Key?.Trim()).OfType<string>().Where(key => key.Length > 0).Distinct(StringComparer.Ordinal)];

    public JsonElement ToJson()
    {
        var segment = new JsonObject();
        if (Platforms.Count > 0)
        {
            segment["platform"] = Array(ApiPatterns.Platforms.Where(Platforms.Contains));
        }

        if (ListInput.Split(Locales) is { Count: > 0 } locales)
        {
            segment["locale"] = Array(locales);
        }

        var min = NullIfBlank(AppVersionMin);
        var max = NullIfBlank(AppVersionMax);
        if (min is not null || max is not null)
        {
            var range = new JsonObject();
            if (min is not null)
            {
                range["min"] = min;
            }

            if (max is not null)
            {
                range["max"] = max;
            }

            segment["appVersion"] = range;
        }

        var tags = new JsonObject();
        foreach (var key in TagKeys)
        {
            var values = Tags.Where(tag => tag.Key?.Trim() == key).Select(tag => tag.Value ?? "").ToList();
            tags[key] = values.Count == 1 ? JsonValue.Create(values[0]) : Array(values);
        }

        if (tags.Count > 0)
        {
            segment["tags"] = tags;
        }

        if (LastSeenWithinDays is { } days)
        {
            segment["lastSeenWithinDays"] = days;
        }

        return JsonSerializer.SerializeToElement(segment);
    }

    // The segment's errors under `field` (e.g. "target.segment"), as the APIs report them.
    public Dictionary<string, string[]> Validate(string field)
    {
        var errors = new Dictionary<string, List<string>>();
        SegmentRules.Read(ToJson(), field, (name, message) =>
        {
            if (!errors.TryGetValue(name, out var messages))
            {
                errors[name] = messages = [];
            }

            messages.Add(message);
        });
        return errors.ToDictionary(error => error.Key, error => error.Value.ToArray());
    }

    private static JsonArray Array(IEnumerable<string> values) => [.. values.Select(value => JsonValue.Create(value))];

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
