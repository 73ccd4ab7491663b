using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pushboard.DeviceApi.Model;

// A device's tags as stored: one jsonb object of strings.
public static partial class DeviceTags
{
    public static Dictionary<string, string> Parse(string json) =>
        JsonSerializer.Deserialize(json, TagsJsonContext.Default.DictionaryStringString) ?? [];

    public static string Serialize(IReadOnlyDictionary<string, string> tags) =>
        JsonSerializer.Serialize(tags, TagsJsonContext.Default.IReadOnlyDictionaryStringString);

    [JsonSerializable(typeof(Dictionary<string, string>))]
    [JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
    private sealed partial class TagsJsonContext : JsonSerializerContext;
}
