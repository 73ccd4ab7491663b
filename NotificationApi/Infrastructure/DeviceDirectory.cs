using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Pushboard.Contracts;

namespace Pushboard.NotificationApi.Infrastructure;

// DeviceApi over HTTP (service discovery + the standard resilience handler); NotificationApi never reads its tables.
public sealed class DeviceDirectory(HttpClient http)
{
    public const int PageSize = 500;

    // {"deviceIds":[]} around the ids, and per id its quotes and a comma.
    private const int QueryEnvelopeBytes = 16;
    private const int QueryBytesPerId = 3;

    // A page of every active device, of a user's, or (segment) of those a segment matches.
    public async Task<DevicePage> ActiveDevicesAsync(string? userId, JsonElement? segment, string? after, CancellationToken cancellationToken)
    {
        if (segment is not null)
        {
            return await PostQueryAsync<DevicePage>(new SegmentQuery(segment.Value, after, PageSize), "a segment page", cancellationToken);
        }

        var query = $"/api/devices?status=active&limit={PageSize}";
        if (userId is not null)
        {
            query += "&userId=" + Uri.EscapeDataString(userId);
        }

        if (after is not null)
        {
            query += "&after=" + Uri.EscapeDataString(after);
        }

        using var response = await http.GetAsync(query, cancellationToken);
        EnsureSuccess(response, "a device page");
        return await response.Content.ReadFromJsonAsync<DevicePage>(cancellationToken)
            ?? throw new InvalidOperationException("DeviceApi answered an empty device page.");
    }

    public async Task<List<DeviceRecord>> FindAsync(IReadOnlyList<string> deviceIds, CancellationToken cancellationToken)
    {
        var result = await PostQueryAsync<DeviceQueryResult>(new DeviceQuery(deviceIds), "a device query", cancellationToken);
        return result?.Items ?? [];
    }

    private async Task<T> PostQueryAsync<T>(object query, string call, CancellationToken cancellationToken)
    {
        // Serialized first, so that the body goes with a Content-Length: sent chunked, a 65,523-byte query was refused as
        // over DeviceApi's 65,536-byte limit (seen in SendingOnceTests).
        using var body = new ByteArrayContent(QueryBody(query));
        body.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync("/api/devices/query", body, cancellationToken);
        EnsureSuccess(response, call);
        return await response.Content.ReadFromJsonAsync<T>(cancellationToken)
            ?? throw new InvalidOperationException($"DeviceApi answered {call} with nothing.");
    }

    // A query's body as it is sent.
    public static byte[] QueryBody(object query) => JsonSerializer.SerializeToUtf8Bytes(query, JsonSerializerOptions.Web);

    // Splits ids into FindAsync calls whose bodies stay within DeviceApi's body limit and id count.
    public static IEnumerable<List<string>> QueryChunks(IEnumerable<string> deviceIds)
    {
        var chunk = new List<string>();
        var bytes = QueryEnvelopeBytes;
        foreach (var id in deviceIds)
        {
            var idBytes = Encoding.UTF8.GetByteCount(id) + QueryBytesPerId;
            if (chunk.Count > 0 && (bytes + idBytes > BodyLimits.DeviceApi || chunk.Count == ApiPatterns.MaxQueryIds))
            {
                yield return chunk;
                chunk = [];
                bytes = QueryEnvelopeBytes;
            }

            chunk.Add(id);
            bytes += idBytes;
        }

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }

    // An answer about the request itself, which asking again cannot change, ends the resolution; anything else (DeviceApi
    // down, 5xx, 429, our key refused or a 404 while configuration or a deployment is being fixed) is retried with the
    // work item.
    private static void EnsureSuccess(HttpResponseMessage response, string call)
    {
        if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.RequestUriTooLong
            or HttpStatusCode.UnsupportedMediaType or HttpStatusCode.UnprocessableEntity)
        {
            throw new DeviceApiRefusedException(response.StatusCode, call);
        }

        response.EnsureSuccessStatusCode();
    }
}
