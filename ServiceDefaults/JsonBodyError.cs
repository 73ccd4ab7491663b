using System.Text.Json;

namespace Pushboard.ServiceDefaults;

// The field a body that cannot be read as the documented JSON went wrong at, as API.md's 400 names it in errors.
public static class JsonBodyError
{
    public static (string Field, string Message) From(JsonException exception) => exception.Path is { Length: > 2 } path
        ? (path[2..], $"The body is not JSON of the documented shape at {path[2..]}: a value of another type, or malformed JSON.")
        : ("body", "The body is not JSON of the documented shape.");
}
