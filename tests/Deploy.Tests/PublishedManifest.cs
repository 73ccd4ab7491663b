using System.Text.Json;

namespace Pushboard.Deploy.Tests;

// The Aspire manifest that azd reads: the AppHost run with the manifest publisher, as `azd up` runs it.
internal static class PublishedManifest
{
    public static async Task<JsonElement> PublishAsync(params (string Name, string Value)[] configuration)
    {
        var result = await RunPublisherAsync(configuration);
        Assert.True(result.ExitCode == 0, $"publishing failed ({result.ExitCode}): {result.Stderr}{result.Stdout}");
        return result.Resources!.Value;
    }

    public static async Task<(int ExitCode, string Stderr, string Stdout, JsonElement? Resources)> RunPublisherAsync(
        params (string Name, string Value)[] configuration)
    {
        var outputDirectory = Path.Combine(Path.GetTempPath(), "pushboard-manifest-" + Guid.NewGuid().ToString("N"));
        var manifestPath = Path.Combine(outputDirectory, "manifest.json");
        // Configuration a developer may hold in the AppHost's user secrets is blanked, so the manifest depends only on the test.
        var environment = new Dictionary<string, string>
        {
            ["Infrastructure__Mode"] = "",
            ["Parameters__firebase-service-account"] = "",
            ["Samples__OrderNotifier"] = "false",
        };
        foreach (var (name, value) in configuration)
        {
            environment[name.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        try
        {
            var result = await Repository.DotnetAsync(
            [
                "run", "--project", Repository.PathOf("AppHost/AppHost.csproj"), "--no-build", "--configuration", Repository.Configuration,
                "--", "--publisher", "manifest", "--output-path", manifestPath,
            ], environment);
            JsonElement? resources = File.Exists(manifestPath)
                ? JsonDocument.Parse(await File.ReadAllTextAsync(manifestPath)).RootElement.GetProperty("resources").Clone()
                : null;
            return (result.ExitCode, result.Stderr, result.Stdout, resources);
        }
        finally
        {
            if (Directory.Exists(outputDirectory))
            {
                Directory.Delete(outputDirectory, recursive: true);
            }
        }
    }
}

internal static class ManifestJson
{
    public static IEnumerable<(string Name, JsonElement Resource)> Resources(this JsonElement resources) =>
        resources.EnumerateObject().Select(property => (property.Name, property.Value));

    public static string TypeOf(this JsonElement resources, string name) => resources.GetProperty(name).GetProperty("type").GetString()!;

    public static string? StringAt(this JsonElement element, params string[] path)
    {
        foreach (var segment in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(segment, out element))
            {
                return null;
            }
        }

        return element.ValueKind == JsonValueKind.String ? element.GetString() : element.GetRawText();
    }

    public static Dictionary<string, string> EnvironmentOf(this JsonElement resources, string name) =>
        resources.GetProperty(name).GetProperty("env").EnumerateObject().ToDictionary(property => property.Name, property => property.Value.GetString()!);
}
