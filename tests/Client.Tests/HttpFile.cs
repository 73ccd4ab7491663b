using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Pushboard.Client.Tests;

// A .http file as Visual Studio, Rider and VS Code's REST Client read it: `@name = value` variables, requests between
// `###` lines (method and URL, headers, a blank line, the body), `# @name x` naming a request whose answer later
// requests read as {{x.response.body.$.field}}, and the dynamic variable {{$datetime iso8601 N d}}.
internal sealed partial class HttpFile
{
    private HttpFile(Dictionary<string, string> variables, List<HttpFileRequest> requests)
    {
        Variables = variables;
        Requests = requests;
    }

    public Dictionary<string, string> Variables { get; }

    public IReadOnlyList<HttpFileRequest> Requests { get; }

    public static HttpFile Read(string path)
    {
        var variables = new Dictionary<string, string>();
        var requests = new List<HttpFileRequest>();
        foreach (var block in Regex.Split(File.ReadAllText(path), @"^###.*$", RegexOptions.Multiline))
        {
            string? name = null;
            string? requestLine = null;
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var body = new List<string>();
            var inBody = false;
            foreach (var line in block.Split('\n').Select(line => line.TrimEnd('\r')))
            {
                if (inBody)
                {
                    body.Add(line);
                }
                else if (requestLine is null && VariableLine().Match(line) is { Success: true } variable)
                {
                    variables[variable.Groups[1].Value] = variable.Groups[2].Value.Trim();
                }
                else if (requestLine is null && NameLine().Match(line) is { Success: true } named)
                {
                    name = named.Groups[1].Value;
                }
                else if (requestLine is null && (line.StartsWith('#') || line.StartsWith("//", StringComparison.Ordinal) || line.Trim().Length == 0))
                {
                    continue;
                }
                else if (requestLine is null)
                {
                    requestLine = line.Trim();
                }
                else if (line.Trim().Length == 0)
                {
                    inBody = true;
                }
                else
                {
                    var colon = line.IndexOf(':', StringComparison.Ordinal);
                    headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
                }
            }

            if (requestLine is not null)
            {
                var parts = requestLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var text = string.Join('\n', body).Trim();
                requests.Add(new HttpFileRequest(name, parts[0], parts[1], headers, text.Length == 0 ? null : text));
            }
        }

        return new HttpFile(variables, requests);
    }

    // The text with every {{...}} replaced: variables (themselves expanded), earlier answers, $datetime.
    public string Expand(string text, IReadOnlyDictionary<string, JsonNode?> answers) =>
        Placeholder().Replace(text, match =>
        {
            var expression = match.Groups[1].Value.Trim();
            if (Variables.TryGetValue(expression, out var value))
            {
                return Expand(value, answers);
            }

            if (DateTimeVariable().Match(expression) is { Success: true } dateTime)
            {
                var offset = int.Parse(dateTime.Groups[1].Value, CultureInfo.InvariantCulture);
                return DateTime.UtcNow.AddDays(offset).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            }

            if (AnswerVariable().Match(expression) is { Success: true } answer && answers.TryGetValue(answer.Groups[1].Value, out var json))
            {
                return (string)json![answer.Groups[2].Value]!;
            }

            throw new InvalidOperationException($"{{{{{expression}}}}} is not defined");
        });

    [GeneratedRegex(@"^@([A-Za-z0-9_]+)\s*=\s*(.*)$")]
    private static partial Regex VariableLine();

    [GeneratedRegex(@"^#\s*@name\s+(\S+)\s*$")]
    private static partial Regex NameLine();

    [GeneratedRegex(@"\{\{(.+?)\}\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^\$datetime iso8601 (-?\d+) d$")]
    private static partial Regex DateTimeVariable();

    [GeneratedRegex(@"^([A-Za-z0-9_]+)\.response\.body\.\$\.([A-Za-z0-9_]+)$")]
    private static partial Regex AnswerVariable();
}

internal sealed record HttpFileRequest(string? Name, string Method, string Url, IReadOnlyDictionary<string, string> Headers, string? Body);
