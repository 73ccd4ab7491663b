using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Pushboard.Contracts;

// Text in a JSON body that no database column can hold: U+0000, which Postgres's text and jsonb refuse, and an unpaired
// surrogate (\ud800) or bytes that are not UTF-8, which have no UTF-8 form. The serializer refuses the last two only in
// the fields it reads as strings, not in the values a service keeps as JSON (data, segments, FCM's platform objects),
// and it takes U+0000 everywhere: without this check they reached the database as a 500.
public static class JsonBodyText
{
    // The field (prefix.name.name[index]) of the first such string or name, and the error; null when there is none or
    // the body is not JSON (the serializer names that).
    public static (string Field, string Message)? Unstorable(ReadOnlySpan<byte> body, string prefix = "")
    {
        var reader = new Utf8JsonReader(body);
        var frames = new List<Frame>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        frames.Add(new Frame(reader.TokenType == JsonTokenType.StartArray));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        Next(frames);
                        break;
                    case JsonTokenType.PropertyName:
                        frames[^1].Name = null;
                        if (Problem(ref reader) is { } nameProblem)
                        {
                            return (Field(prefix, frames), $"A name in {Field(prefix, frames)} {nameProblem}");
                        }

                        frames[^1].Name = reader.GetString();
                        break;
                    case JsonTokenType.String when Problem(ref reader) is { } problem:
                        return (Field(prefix, frames), $"{Field(prefix, frames)} {problem}");
                    default:
                        Next(frames);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }

        return null;
    }

    private static string? Problem(ref Utf8JsonReader reader)
    {
        const string NotText = "must be Unicode text: an unpaired surrogate (such as \\ud800) or bytes that are not UTF-8 cannot be stored.";
        if (!reader.ValueIsEscaped)
        {
            return Utf8.IsValid(reader.ValueSpan) ? null : NotText;
        }

        try
        {
            return reader.GetString()!.Contains('\0') ? "must not contain U+0000 (\\u0000), which cannot be stored." : null;
        }
        catch (InvalidOperationException)
        {
            return NotText;
        }
    }

    private static void Next(List<Frame> frames)
    {
        if (frames.Count > 0 && frames[^1].IsArray)
        {
            frames[^1].Index++;
        }
    }

    // A value kept as JSON (a segment, a merge patch), its fields named below prefix.
    public static (string Field, string Message)? Unstorable(JsonElement json, string prefix = "") =>
        Unstorable(JsonMarshal.GetRawUtf8Value(json), prefix);

    private static string Field(string prefix, List<Frame> frames)
    {
        var field = new StringBuilder(prefix);
        foreach (var frame in frames)
        {
            if (frame.IsArray)
            {
                field.Append('[').Append(frame.Index).Append(']');
            }
            else if (frame.Name is not null)
            {
                field.Append(field.Length == 0 ? "" : ".").Append(frame.Name);
            }
        }

        return field.Length == 0 ? "body" : field.ToString();
    }

    private sealed class Frame(bool isArray)
    {
        public bool IsArray { get; } = isArray;

        public string? Name { get; set; }

        public int Index { get; set; }
    }
}
