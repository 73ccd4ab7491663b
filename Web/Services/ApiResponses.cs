using System.Net.Http.Json;
using System.Text.Json;

namespace Pushboard.Web.Services;

public static class ApiResponses
{
    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await EnsureSuccessAsync(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<T>(cancellationToken))!;
    }

    public static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        string? detail = null;
        Dictionary<string, string[]>? errors = null;
        try
        {
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            if (problem.RootElement.TryGetProperty("detail", out var d))
            {
                detail = d.GetString();
            }

            if (problem.RootElement.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object)
            {
                errors = e.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(m => m.GetString() ?? "").ToArray());
            }
        }
        catch (JsonException)
        {
        }

        throw new ApiException(detail ?? $"The service answered {(int)response.StatusCode} {response.ReasonPhrase}.", errors);
    }
}
