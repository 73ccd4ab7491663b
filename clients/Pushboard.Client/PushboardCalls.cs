using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Pushboard.Client;

// What every call does: one span per operation (around the resilience handler's attempts), problem details into
// PushboardApiException, and the walk over `next` cursors.
internal static class PushboardCalls
{
    public const string ActivitySourceName = "Pushboard.Client";

    private static readonly ActivitySource Source = new(ActivitySourceName);

    public static async Task<(T Value, HttpStatusCode Status)> SendAsync<T>(
        HttpClient http, HttpRequestMessage request, string operation, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(http, request, operation, cancellationToken);
        var value = await response.Content.ReadFromJsonAsync<T>(PushboardJson.Options, cancellationToken)
            ?? throw new JsonException($"Pushboard answered {operation} with an empty body.");
        return (value, response.StatusCode);
    }

    public static async Task<T?> GetOrDefaultAsync<T>(HttpClient http, string uri, string operation, CancellationToken cancellationToken)
        where T : class
    {
        using var activity = Source.StartActivity(operation, ActivityKind.Client);
        using var response = await http.GetAsync(uri, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await ThrowIfErrorAsync(response, activity, cancellationToken);
        return await response.Content.ReadFromJsonAsync<T>(PushboardJson.Options, cancellationToken);
    }

    public static async Task<HttpResponseMessage> SendAsync(
        HttpClient http, HttpRequestMessage request, string operation, CancellationToken cancellationToken)
    {
        using var activity = Source.StartActivity(operation, ActivityKind.Client);
        var response = await http.SendAsync(request, cancellationToken);
        try
        {
            await ThrowIfErrorAsync(response, activity, cancellationToken);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    public static async IAsyncEnumerable<T> AllAsync<T>(
        Func<string?, CancellationToken, Task<PushboardPage<T>>> page, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? after = null;
        do
        {
            var current = await page(after, cancellationToken);
            foreach (var item in current.Items)
            {
                yield return item;
            }

            after = current.Next;
        }
        while (after is not null);
    }

    // "?a=1&b=2" of the given values, null ones left out.
    public static string Query(params (string Name, string? Value)[] parameters)
    {
        var given = parameters.Where(parameter => parameter.Value is not null)
            .Select(parameter => $"{parameter.Name}={Uri.EscapeDataString(parameter.Value!)}")
            .ToList();
        return given.Count == 0 ? "" : "?" + string.Join("&", given);
    }

    private static async Task ThrowIfErrorAsync(HttpResponseMessage response, Activity? activity, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        activity?.SetStatus(ActivityStatusCode.Error, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
        ProblemDetails? problem = null;
        try
        {
            problem = await response.Content.ReadFromJsonAsync<ProblemDetails>(PushboardJson.Options, cancellationToken);
        }
        catch (JsonException)
        {
            // Not problem details (e.g. a proxy's own page): the status alone says what happened.
        }

        var retryAfter = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => (TimeSpan?)null,
        };
        throw new PushboardApiException(
            response.StatusCode, problem?.Title, problem?.Detail, problem?.Errors ?? new Dictionary<string, string[]>(), retryAfter);
    }

    private sealed record ProblemDetails(string? Title, string? Detail, Dictionary<string, string[]>? Errors);
}
