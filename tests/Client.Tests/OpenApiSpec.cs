using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pushboard.Client.Tests;

// A request as sent: method, path, query parameter names, and the body with its media type (null without one).
internal sealed record RequestShape(string Method, string Path, IReadOnlyList<string> Query, string? MediaType, string? Body)
{
    public static RequestShape Of(string method, Uri uri, string? mediaType, string? body) => new(
        method.ToUpperInvariant(),
        Uri.UnescapeDataString(uri.AbsolutePath),
        [.. uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Select(pair => pair.Split('=')[0])],
        mediaType,
        body);
}

// A service's OpenAPI document (/openapi/v1.json), asked whether a request is one of its operations with a body its
// schema allows: the operation's path and method, its query parameters, the media type and, property by property, the
// JSON body (types, known properties; what the document leaves open is allowed).
internal sealed class OpenApiSpec(JsonObject document)
{
    public static async Task<OpenApiSpec> LoadAsync(HttpClient service) =>
        new(JsonNode.Parse(await service.GetStringAsync("/openapi/v1.json"))!.AsObject());

    // "GET /api/devices/{deviceId}" for every operation of the document.
    public IEnumerable<string> Operations =>
        document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Where(operation => operation.Key is "get" or "put" or "post" or "patch" or "delete")
            .Select(operation => $"{operation.Key.ToUpperInvariant()} {path.Key}"));

    // The operation the request is (e.g. "PUT /api/devices/{deviceId}"), or null; what does not fit goes to `problems`.
    public string? Check(RequestShape request, List<string> problems)
    {
        var match = document["paths"]!.AsObject()
            .Where(path => Matches(path.Key, request.Path) && path.Value![request.Method.ToLowerInvariant()] is not null)
            .OrderBy(path => path.Key.Count(c => c == '{'))
            .Select(path => (Template: path.Key, Operation: path.Value![request.Method.ToLowerInvariant()]!.AsObject()))
            .FirstOrDefault();
        if (match.Template is null)
        {
            problems.Add($"{request.Method} {request.Path}: no such operation");
            return null;
        }

        var name = $"{request.Method} {match.Template}";
        var queryParameters = (match.Operation["parameters"]?.AsArray() ?? [])
            .Where(parameter => (string?)parameter!["in"] == "query").Select(parameter => (string)parameter!["name"]!).ToHashSet();
        problems.AddRange(request.Query.Where(parameter => !queryParameters.Contains(parameter))
            .Select(parameter => $"{name}: no query parameter '{parameter}'"));

        var requestBody = match.Operation["requestBody"]?.AsObject();
        if (request.Body is null)
        {
            if ((bool?)requestBody?["required"] == true)
            {
                problems.Add($"{name}: the body is missing");
            }

            return name;
        }

        if (requestBody?["content"]?[request.MediaType ?? ""] is not JsonObject content)
        {
            problems.Add($"{name}: no body of type {request.MediaType}");
            return name;
        }

        JsonNode? body;
        try
        {
            body = JsonNode.Parse(request.Body);
        }
        catch (JsonException exception)
        {
            problems.Add($"{name}: the body is not JSON: {exception.Message}");
            return name;
        }

        Validate(body, content["schema"], name + " body", problems);
        return name;
    }

    private static bool Matches(string template, string path)
    {
        var templateSegments = template.Trim('/').Split('/');
        var pathSegments = path.Trim('/').Split('/');
        return templateSegments.Length == pathSegments.Length
            && templateSegments.Zip(pathSegments).All(pair =>
                pair.First.StartsWith('{') ? pair.Second.Length > 0 : pair.First == pair.Second);
    }

    private void Validate(JsonNode? value, JsonNode? schema, string at, List<string> problems)
    {
        schema = Resolve(schema);
        if (schema is not JsonObject rules)
        {
            return;
        }

        if ((rules["oneOf"] ?? rules["anyOf"]) is JsonArray choices)
        {
            var fits = choices.Select(choice =>
            {
                var attempt = new List<string>();
                Validate(value, choice, at, attempt);
                return attempt;
            }).ToList();
            if (!fits.Any(attempt => attempt.Count == 0))
            {
                problems.AddRange(fits.OrderBy(attempt => attempt.Count).First());
            }

            return;
        }

        var types = rules["type"] switch
        {
            JsonArray list => list.Select(type => (string)type!).ToList(),
            JsonValue single => [(string)single!],
            _ => null,
        };
        var kind = value?.GetValueKind() ?? JsonValueKind.Null;
        if (types is not null && !types.Any(type => Fits(type, value, kind)))
        {
            problems.Add($"{at}: {kind} where the document says {string.Join(" or ", types)}");
            return;
        }

        if (value is JsonObject members)
        {
            var properties = Resolve(rules["properties"]) as JsonObject;
            var additional = rules["additionalProperties"];
            foreach (var (name, member) in members)
            {
                if (properties?[name] is { } property)
                {
                    Validate(member, property, $"{at}.{name}", problems);
                }
                else if (additional is JsonObject additionalSchema)
                {
                    Validate(member, additionalSchema, $"{at}.{name}", problems);
                }
                else if (properties is not null && additional is null or JsonValue)
                {
                    if (additional is null || !(bool)additional)
                    {
                        problems.Add($"{at}: no property '{name}'");
                    }
                }
            }
        }
        else if (value is JsonArray items)
        {
            foreach (var item in items)
            {
                Validate(item, rules["items"], $"{at}[]", problems);
            }
        }
    }

    private static bool Fits(string type, JsonNode? value, JsonValueKind kind) => type switch
    {
        "null" => kind == JsonValueKind.Null,
        "object" => kind == JsonValueKind.Object,
        "array" => kind == JsonValueKind.Array,
        "string" => kind == JsonValueKind.String,
        "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
        "integer" => kind == JsonValueKind.Number && value!.GetValue<JsonElement>().TryGetInt64(out _),
        "number" => kind == JsonValueKind.Number,
        _ => true,
    };

    private JsonNode? Resolve(JsonNode? schema)
    {
        while (schema is JsonObject { } node && (string?)node["$ref"] is { } reference)
        {
            schema = reference.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries)
                .Aggregate<string, JsonNode?>(document, (current, segment) => current?[segment]);
        }

        return schema;
    }
}
