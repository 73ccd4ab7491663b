using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Pushboard.Contracts;
using Pushboard.Contracts.Segments;

namespace Pushboard.Client;

/// <summary>
/// DeviceApi's public calls (API.md "DeviceApi") with the admin key. Get one from <see cref="PushboardClient.Devices"/> after
/// <c>AddPushboardClient</c>.
/// </summary>
public sealed class DevicesClient(HttpClient http)
{
    private const string Devices = "/api/devices";

    /// <summary><c>PUT /api/devices/{deviceId}</c>: registers a device, or replaces every field of an existing one.</summary>
    public async Task<DeviceRegistrationResult> RegisterAsync(
        string deviceId, DeviceRegistration registration, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, DeviceUri(deviceId))
        {
            Content = JsonContent.Create(registration, options: PushboardJson.Options),
        };
        var (device, status) = await PushboardCalls.SendAsync<Device>(http, request, "pushboard register device", cancellationToken);
        return new DeviceRegistrationResult(device, status == HttpStatusCode.Created);
    }

    /// <summary><c>PATCH /api/devices/{deviceId}/token</c>: the token refresh of a reconnecting app.</summary>
    public async Task<Device> RefreshTokenAsync(string deviceId, string fcmToken, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, DeviceUri(deviceId) + "/token")
        {
            Content = JsonContent.Create(new { fcmToken }, options: PushboardJson.Options),
        };
        return (await PushboardCalls.SendAsync<Device>(http, request, "pushboard refresh token", cancellationToken)).Value;
    }

    /// <summary><c>GET /api/devices/{deviceId}</c>: the device, or null when there is none (also for an id no device can
    /// have, such as <c>..</c>, which a path cannot carry). The device <c>stats</c>, in any case, is read with
    /// <c>POST /api/devices/query</c>, as <c>GET /api/devices/stats</c> answers the device stats.</summary>
    public async Task<Device?> GetAsync(string deviceId, CancellationToken cancellationToken = default)
    {
        if (!ApiPatterns.DeviceId().IsMatch(deviceId))
        {
            return null;
        }

        if (ApiPatterns.IsReadByPath(deviceId))
        {
            return await PushboardCalls.GetOrDefaultAsync<Device>(http, DeviceUri(deviceId), "pushboard get device", cancellationToken);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, Devices + "/query")
        {
            Content = JsonContent.Create(new { deviceIds = new[] { deviceId } }, options: PushboardJson.Options),
        };
        return (await PushboardCalls.SendAsync<PushboardPage<Device>>(http, request, "pushboard get device", cancellationToken)).Value.Items.SingleOrDefault();
    }

    /// <summary><c>GET /api/devices</c>: one page of devices in <c>deviceId</c> order.</summary>
    /// <param name="query">Filters; null for every device.</param>
    /// <param name="after">The <c>Next</c> of the previous page; null for the first.</param>
    /// <param name="limit">1–500 devices; null for the service's default (50).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<PushboardPage<Device>> ListPageAsync(
        DeviceQuery? query = null, string? after = null, int? limit = null, CancellationToken cancellationToken = default)
    {
        var uri = Devices + PushboardCalls.Query(
            ("userId", query?.UserId), ("platform", query?.Platform), ("status", query?.Status),
            ("stale", query?.Stale is { } stale ? (stale ? "true" : "false") : null),
            ("after", after), ("limit", limit?.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        return (await PushboardCalls.SendAsync<PushboardPage<Device>>(http, request, "pushboard list devices", cancellationToken)).Value;
    }

    /// <summary>Every device the query matches, page after page (<paramref name="pageSize"/> per call).</summary>
    public IAsyncEnumerable<Device> ListAsync(DeviceQuery? query = null, int? pageSize = null, CancellationToken cancellationToken = default) =>
        PushboardCalls.AllAsync((after, token) => ListPageAsync(query, after, pageSize, token), cancellationToken);

    /// <summary><c>PATCH /api/devices/{deviceId}</c>: changes what the patch sets, nothing else.</summary>
    public async Task<Device> UpdateAsync(string deviceId, DevicePatch patch, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, DeviceUri(deviceId))
        {
            Content = JsonContent.Create(patch.Body, new MediaTypeHeaderValue("application/merge-patch+json"), PushboardJson.Options),
        };
        return (await PushboardCalls.SendAsync<Device>(http, request, "pushboard update device", cancellationToken)).Value;
    }

    /// <summary><c>DELETE /api/devices/{deviceId}</c>: succeeds also when the device is already gone.</summary>
    public async Task DeleteAsync(string deviceId, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, DeviceUri(deviceId));
        using var _ = await PushboardCalls.SendAsync(http, request, "pushboard delete device", cancellationToken);
    }

    /// <summary><c>POST /api/devices/count</c>: how many active devices the segment matches now.</summary>
    public async Task<long> CountAsync(Segment segment, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Devices + "/count")
        {
            Content = JsonContent.Create(new { segment }, options: PushboardJson.Options),
        };
        return (await PushboardCalls.SendAsync<DeviceCount>(http, request, "pushboard count devices", cancellationToken)).Value.Count;
    }

    /// <summary><c>POST /api/devices/{deviceId}/secret</c>: a new device secret for the app; the old one stops working.</summary>
    public async Task<string> IssueSecretAsync(string deviceId, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, DeviceUri(deviceId) + "/secret");
        return (await PushboardCalls.SendAsync<DeviceSecret>(http, request, "pushboard issue device secret", cancellationToken)).Value.Secret;
    }

    private static string DeviceUri(string deviceId) => $"{Devices}/{Uri.EscapeDataString(deviceId)}";

    private sealed record DeviceCount(long Count);

    private sealed record DeviceSecret([property: System.Text.Json.Serialization.JsonPropertyName("deviceSecret")] string Secret);
}
