using System.Text.Json;

namespace Pushboard.Contracts;

// JSON allows a name twice in an object and readers differ on which one counts (System.Text.Json's JsonObject throws
// when it is read by name): what a service reads by name or passes on names each field once.
public static class JsonNames
{
    // The path (name.name[index]) of the first name given twice in an object at any depth, or null.
    public static string? Repeated(JsonElement json, string path = "")
    {
        switch (json.ValueKind)
        {
            case JsonValueKind.Object:
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var member in json.EnumerateObject())
                {
                    var at = path.Length == 0 ? member.Name : $"{path}.{member.Name}";
                    if (!names.Add(member.Name))
                    {
                        return at;
                    }

                    if (Repeated(member.Value, at) is { } inside)
                    {
                        return inside;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in json.EnumerateArray())
                {
                    if (Repeated(item, $"{path}[{index++}]") is { } inside)
                    {
                        return inside;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    public static string GivenTwice(string path) => $"'{path}' is given twice; give it once.";
}
