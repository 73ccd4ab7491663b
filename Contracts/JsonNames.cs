using System.Text.Json;

namespace Pushboard.Contracts;

// JSON allows a name twice in an object and readers differ on which one counts (System.Text.Json's JsonObject throws
// when it is read by name): what a service reads by name or passes on names each field once.
public static class JsonNames
{
    // The path (prefix.name.name[index]) of the first name given twice in an object at any depth, or null. The path is
    // built only for a repeat found, not for every member walked.
    public static string? Repeated(JsonElement json, string prefix = "") =>
        Within(json) is { } path ? (prefix.Length == 0 ? path : Join(prefix, path)) : null;

    public static string GivenTwice(string path) => $"'{path}' is given twice; give it once.";

    private static string? Within(JsonElement json)
    {
        switch (json.ValueKind)
        {
            case JsonValueKind.Object:
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var member in json.EnumerateObject())
                {
                    if (!names.Add(member.Name))
                    {
                        return member.Name;
                    }

                    if (Within(member.Value) is { } inside)
                    {
                        return Join(member.Name, inside);
                    }
                }

                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in json.EnumerateArray())
                {
                    if (Within(item) is { } inside)
                    {
                        return Join($"[{index}]", inside);
                    }

                    index++;
                }

                return null;
            default:
                return null;
        }
    }

    private static string Join(string head, string tail) => tail.StartsWith('[') ? head + tail : $"{head}.{tail}";
}
