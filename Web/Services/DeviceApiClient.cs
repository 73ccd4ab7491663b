using System.Net.Http.Json;
using System.Text.Json;
using Pushboard.Contracts;
using Pushboard.Contracts.Stats;

namespace Pushboard.Web.Services;

public interface IDeviceApiClient
{
    Task<Page<Device>> ListAsync(DeviceFilter filter, string? after, int limit, CancellationToken cancellationToken = default);
    Task<Device?> GetAsync(string deviceId, CancellationToken cancellationToken = default);
    Task DeleteAsync(string deviceId, CancellationToken cancellationToken = default);

    // A new device secret; the old one stops working. Null for an unknown device.
    Task<DeviceSecret?> IssueSecretAsync(string deviceId, CancellationToken cancellationToken = default);

    Task<DeviceStats> StatsAsync(CancellationToken cancellationToken = default);

    // The active devices a segment matches now; a bad segment is an ApiException with its field errors (segment.…).
    Task<long> CountAsync(JsonElement segment, CancellationToken cancellationToken = default);
}

public sealed class DeviceApiClient(HttpClient http) : IDeviceApiClient
{
    public async Task<Page<Device>> ListAsync(DeviceFilter filter, string? after, int limit, CancellationToken cancellationToken = default)
    {
        var query = new List<string> { $"limit={limit}" };
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                query.Add($"{name}={Uri.EscapeDataString(value)}");
            }
        }

        Add("userId", filter.UserId);
        Add("platform", filter.Platform);
        Add("status", filter.Status);
        Add("stale", filter.Stale?.ToString().ToLowerInvariant());
        Add("after", after);
        using var response = await http.GetAsync("/api/devices?" + string.Join('&', query), cancellationToken);
        return await ApiResponses.ReadAsync<Page<Device>>(response, cancellationToken);
    }

    // A device whose id the path cannot carry (ApiPatterns.IsReadByPath) is read with the device query.
    public async Task<Device?> GetAsync(string deviceId, CancellationToken cancellationToken = default)
    {
        if (!ApiPatterns.IsReadByPath(deviceId))
        {
            using var found = await http.PostAsJsonAsync("/api/devices/query", new { deviceIds = new[] { deviceId } }, cancellationToken);
            return (await ApiResponses.ReadAsync<Page<Device>>(found, cancellationToken)).Items.SingleOrDefault();
        }

        using var response = await http.GetAsync($"/api/devices/{Uri.EscapeDataString(deviceId)}", cancellationToken);
        return response.StatusCode == System.Net.HttpStatusCode.NotFound ? null : await ApiResponses.ReadAsync<Device>(response, cancellationToken);
    }

    public async Task DeleteAsync(string deviceId, CancellationToken cancellationToken = default)
    {
        using var response = await http.DeleteAsync($"/api/devices/{Uri.EscapeDataString(deviceId)}", cancellationToken);
        await ApiResponses.EnsureSuccessAsync(response, cancellationToken);
    }

    public async Task<DeviceSecret?> IssueSecretAsync(string deviceId, CancellationToken cancellationToken = default)
    {
        using var response = await http.PostAsync($"/api/devices/{Uri.EscapeDataString(deviceId)}/secret", content: null, cancellationToken);
        return response.StatusCode == System.Net.HttpStatusCode.NotFound
            ? null
            : new DeviceSecret((await ApiResponses.ReadAsync<IssuedSecret>(response, cancellationToken)).DeviceSecret);
    }

    public async Task<DeviceStats> StatsAsync(CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync("/api/devices/stats", cancellationToken);
        return await ApiResponses.ReadAsync<DeviceStats>(response, cancellationToken);
    }

    public async Task<long> CountAsync(JsonElement segment, CancellationToken cancellationToken = default)
    {
        using var response = await http.PostAsJsonAsync("/api/devices/count", new { segment }, cancellationToken);
        return (await ApiResponses.ReadAsync<DeviceCount>(response, cancellationToken)).Count;
    }

    private sealed record IssuedSecret(string DeviceSecret);

    private sealed record DeviceCount(long Count);
}
