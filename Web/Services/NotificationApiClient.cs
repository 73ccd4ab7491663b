using System.Net.Http.Json;
using Pushboard.Contracts;
using Pushboard.Contracts.Stats;

namespace Pushboard.Web.Services;

public interface INotificationApiClient
{
    Task<Notification> SendAsync(object request, string idempotencyKey, CancellationToken cancellationToken = default);
    Task<Notification?> GetAsync(Guid id, CancellationToken cancellationToken = default);

    // The notification as canceled; null for an unknown one; an ApiException (409) when it already ended.
    Task<Notification?> CancelAsync(Guid id, CancellationToken cancellationToken = default);
    Task<Page<Notification>> ListAsync(string? status, string? after, int limit, CancellationToken cancellationToken = default);
    Task<Page<Delivery>> DeliveriesAsync(Guid id, string? status, string? after, int limit, CancellationToken cancellationToken = default);
    Task<Page<Delivery>> DeviceDeliveriesAsync(string deviceId, int limit, CancellationToken cancellationToken = default);
    Task<DeliveryStats> DeliveryStatsAsync(string window, CancellationToken cancellationToken = default);
    Task<IReadOnlyList<ActiveNotification>> ActiveAsync(CancellationToken cancellationToken = default);
}

public sealed class NotificationApiClient(HttpClient http) : INotificationApiClient
{
    public async Task<Notification> SendAsync(object request, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "/api/notifications") { Content = JsonContent.Create(request) };
        message.Headers.Add(ApiHeaders.IdempotencyKey, idempotencyKey);
        using var response = await http.SendAsync(message, cancellationToken);
        return await ApiResponses.ReadAsync<Notification>(response, cancellationToken);
    }

    public async Task<Notification?> GetAsync(Guid id, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync($"/api/notifications/{id}", cancellationToken);
        return response.StatusCode == System.Net.HttpStatusCode.NotFound ? null : await ApiResponses.ReadAsync<Notification>(response, cancellationToken);
    }

    public async Task<Notification?> CancelAsync(Guid id, CancellationToken cancellationToken = default)
    {
        using var response = await http.PostAsync($"/api/notifications/{id}/cancel", content: null, cancellationToken);
        return response.StatusCode == System.Net.HttpStatusCode.NotFound ? null : await ApiResponses.ReadAsync<Notification>(response, cancellationToken);
    }

    public async Task<Page<Notification>> ListAsync(string? status, string? after, int limit, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync(PageQuery("/api/notifications", status, after, limit), cancellationToken);
        return await ApiResponses.ReadAsync<Page<Notification>>(response, cancellationToken);
    }

    public async Task<Page<Delivery>> DeliveriesAsync(Guid id, string? status, string? after, int limit, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync(PageQuery($"/api/notifications/{id}/deliveries", status, after, limit), cancellationToken);
        return await ApiResponses.ReadAsync<Page<Delivery>>(response, cancellationToken);
    }

    public async Task<Page<Delivery>> DeviceDeliveriesAsync(string deviceId, int limit, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync($"/api/deliveries?deviceId={Uri.EscapeDataString(deviceId)}&limit={limit}", cancellationToken);
        return await ApiResponses.ReadAsync<Page<Delivery>>(response, cancellationToken);
    }

    public async Task<DeliveryStats> DeliveryStatsAsync(string window, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync($"/api/deliveries/stats?window={Uri.EscapeDataString(window)}", cancellationToken);
        return await ApiResponses.ReadAsync<DeliveryStats>(response, cancellationToken);
    }

    public async Task<IReadOnlyList<ActiveNotification>> ActiveAsync(CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync("/api/notifications/active", cancellationToken);
        return await ApiResponses.ReadAsync<List<ActiveNotification>>(response, cancellationToken);
    }

    private static string PageQuery(string path, string? status, string? after, int limit) =>
        $"{path}?limit={limit}"
        + (string.IsNullOrEmpty(status) ? "" : "&status=" + Uri.EscapeDataString(status))
        + (after is null ? "" : "&after=" + Uri.EscapeDataString(after));
}
