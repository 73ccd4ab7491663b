using System.Text.Json;
using System.Text.RegularExpressions;

namespace Pushboard.ServiceDefaults;

// The field a body that cannot be read as the documented JSON went wrong at, as API.md's 400 names it in errors: the
// JSON path without its "$", a name the serializer brackets (['my key'], one with a space or a dot) written as the
// others are, tags.my key.
public static partial class JsonBodyError
{
    // causes: what may be wrong where the serializer stopped, as this body's options allow (unknown fields refused or not).
    public static (string Field, string Message) From(JsonException exception, string causes = "a value of another type, or malformed JSON")
    {
        if (exception.Path is not { Length: > 1 } path)
        {
            return ("body", "The body is not JSON of the documented shape.");
        }

        var field = BracketedName().Replace(path[1..], match => "." + match.Groups[1].Value).TrimStart('.');
        return (field, $"The body is not JSON of the documented shape at {field}: {causes}.");
    }

    [GeneratedRegex(@"\['(.*?)'\]")]
    private static partial Regex BracketedName();
}
