using System.Net.Http.Json;
using Pushboard.Contracts;

namespace Pushboard.Client;

/// <summary>
/// NotificationApi's calls (API.md "NotificationApi") with the admin key. Get one from
/// <see cref="PushboardClient.Notifications"/> after <c>AddPushboardClient</c>.
/// </summary>
public sealed class NotificationsClient(HttpClient http)
{
    private const string Notifications = "/api/notifications";

    /// <summary>
    /// <c>POST /api/notifications</c>: accepts the notification for delivery. Every attempt of the call (the resilience
    /// handler retries a lost answer, a 429 or a 503) carries the same <c>Idempotency-Key</c>, so the service sends it once.
    /// </summary>
    /// <param name="request">The notification.</param>
    /// <param name="idempotencyKey">1–128 printable ASCII characters, e.g. your own event id, so that your own retries of
    /// the same send (within 24 h) are also sent once; a new random key when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The notification; the one accepted before when the key was used already with the same body.</returns>
    /// <exception cref="PushboardApiException">400 for a bad request (field errors), 422 when the key was used for another body.</exception>
    /// <exception cref="ArgumentException">The key is not 1–128 printable ASCII characters.</exception>
    public async Task<Notification> SendAsync(NotificationRequest request, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        // Refused here rather than sent: a key beyond ASCII fails in the HTTP stack as a transport error, which the
        // retries would repeat.
        if (idempotencyKey is not null && !ApiHeaders.IsIdempotencyKey(idempotencyKey))
        {
            throw new ArgumentException(ApiHeaders.IdempotencyKeyShape, nameof(idempotencyKey));
        }

        using var message = new HttpRequestMessage(HttpMethod.Post, Notifications)
        {
            Content = JsonContent.Create(request, options: PushboardJson.Options),
        };
        message.Headers.Add(ApiHeaders.IdempotencyKey, idempotencyKey ?? Guid.NewGuid().ToString("N"));
        return (await PushboardCalls.SendAsync<Notification>(http, message, "pushboard send notification", cancellationToken)).Value;
    }

    /// <summary><c>GET /api/notifications/{id}</c>: the notification with its counts, or null when there is none.</summary>
    public Task<Notification?> GetAsync(Guid id, CancellationToken cancellationToken = default) =>
        PushboardCalls.GetOrDefaultAsync<Notification>(http, NotificationUri(id), "pushboard get notification", cancellationToken);

    /// <summary><c>GET /api/notifications</c>: one page of notifications, newest first.</summary>
    /// <param name="after">The <c>Next</c> of the previous page; null for the first.</param>
    /// <param name="limit">1–500; null for the service's default (50).</param>
    /// <param name="status">Only notifications in this status (<c>scheduled</c>, <c>queued</c>, <c>sending</c>, <c>completed</c>,
    /// <c>failed</c>, <c>canceled</c>); null for all. Last, so that calls written before it still mean what they meant.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<PushboardPage<Notification>> ListPageAsync(
        string? after = null, int? limit = null, string? status = null, CancellationToken cancellationToken = default)
    {
        var uri = Notifications + PushboardCalls.Query(("status", status), ("after", after), ("limit", Limit(limit)));
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        return (await PushboardCalls.SendAsync<PushboardPage<Notification>>(http, request, "pushboard list notifications", cancellationToken)).Value;
    }

    /// <summary>Every notification (in the given status), newest first, page after page.</summary>
    public IAsyncEnumerable<Notification> ListAsync(int? pageSize = null, string? status = null, CancellationToken cancellationToken = default) =>
        PushboardCalls.AllAsync((after, token) => ListPageAsync(after, pageSize, status, token), cancellationToken);

    /// <summary><c>GET /api/notifications/{id}/deliveries</c>: one page of a notification's deliveries.</summary>
    /// <param name="id">The notification.</param>
    /// <param name="status">Only deliveries in this status (<c>pending</c>, <c>sent</c>, <c>failed</c>, <c>invalid_token</c>, <c>canceled</c>).</param>
    /// <param name="after">The <c>Next</c> of the previous page; null for the first.</param>
    /// <param name="limit">1–500; null for the service's default (50).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="PushboardApiException">404 for an unknown notification.</exception>
    public async Task<PushboardPage<Delivery>> ListDeliveriesPageAsync(
        Guid id, string? status = null, string? after = null, int? limit = null, CancellationToken cancellationToken = default)
    {
        var uri = NotificationUri(id) + "/deliveries" + PushboardCalls.Query(("status", status), ("after", after), ("limit", Limit(limit)));
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        return (await PushboardCalls.SendAsync<PushboardPage<Delivery>>(http, request, "pushboard list deliveries", cancellationToken)).Value;
    }

    /// <summary>Every delivery of a notification (in the given status), page after page.</summary>
    public IAsyncEnumerable<Delivery> ListDeliveriesAsync(
        Guid id, string? status = null, int? pageSize = null, CancellationToken cancellationToken = default) =>
        PushboardCalls.AllAsync((after, token) => ListDeliveriesPageAsync(id, status, after, pageSize, token), cancellationToken);

    /// <summary>
    /// <c>POST /api/notifications/{id}/cancel</c>: after it returns nothing more of the notification is handed to FCM.
    /// Cancelling again succeeds.
    /// </summary>
    /// <exception cref="PushboardApiException">409 when the notification already ended (completed or failed); 404.</exception>
    public async Task<Notification> CancelAsync(Guid id, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, NotificationUri(id) + "/cancel");
        return (await PushboardCalls.SendAsync<Notification>(http, request, "pushboard cancel notification", cancellationToken)).Value;
    }

    private static string NotificationUri(Guid id) => $"{Notifications}/{id}";

    private static string? Limit(int? limit) => limit?.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
