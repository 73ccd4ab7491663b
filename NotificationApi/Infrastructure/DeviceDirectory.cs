using System.Net.Http.Json;

namespace Pushboard.NotificationApi.Infrastructure;

// DeviceApi over HTTP (service discovery + the standard resilience handler); NotificationApi never reads its tables.
public sealed class DeviceDirectory(HttpClient http)
{
    public const int PageSize = 500;

    public async Task<DevicePage> ActiveDevicesAsync(string? userId, string? after, CancellationToken cancellationToken)
    {
        var query = $"/api/devices?status=active&limit={PageSize}";
        if (userId is not null)
        {
            query += "&userId=" + Uri.EscapeDataString(userId);
        }

        if (after is not null)
        {
            query += "&after=" + Uri.EscapeDataString(after);
        }

        return await http.GetFromJsonAsync<DevicePage>(query, cancellationToken)
            ?? throw new InvalidOperationException("DeviceApi answered an empty device page.");
    }

    public async Task<List<DeviceRecord>> FindAsync(IReadOnlyList<string> deviceIds, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("/api/devices/query", new DeviceQuery(deviceIds), cancellationToken);
        response.EnsureSuccessStatusCode();
        var result = await response.Content.ReadFromJsonAsync<DeviceQueryResult>(cancellationToken);
        return result?.Items ?? [];
    }
}
