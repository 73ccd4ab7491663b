using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Pushboard.Contracts;
using Pushboard.NotificationApi.Model;
using Pushboard.NotificationApi.Services;
using Pushboard.ServiceDefaults;
using Pushboard.ServiceDefaults.ApiKeys;

namespace Pushboard.NotificationApi.Apis;

public static class NotificationsApi
{
    private const int DefaultLimit = 50;
    private const int MaxLimit = 500;
    private static readonly string[] DeliveryStatuses =
        [DeliveryStatus.Pending, DeliveryStatus.Sent, DeliveryStatus.Failed, DeliveryStatus.InvalidToken, DeliveryStatus.Canceled];
    private static readonly string[] NotificationStatuses =
    [
        NotificationStatus.Scheduled, NotificationStatus.Queued, NotificationStatus.Sending, NotificationStatus.Completed,
        NotificationStatus.Failed, NotificationStatus.Canceled,
    ];

    public static IEndpointRouteBuilder MapNotificationApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireAuthorization(ApiKeyPolicies.Admin).ChecksContentTypeAfterAuthorization();

        var notifications = api.MapGroup("/notifications").WithTags("Notifications");
        notifications.MapPost("/", SendNotification)
            .Accepts<SendNotificationRequest>("application/json")
            .WithSummary("Accept a notification for delivery (202); an Idempotency-Key makes retries safe");
        notifications.MapGet("/{id}", GetNotification)
            .WithSummary("Get a notification with its delivery counts");
        notifications.MapGet("/", ListNotifications)
            .WithSummary("List notifications (in one status), newest first, keyset-paged");
        notifications.MapGet("/{id}/deliveries", ListDeliveries)
            .WithSummary("List a notification's deliveries in order, keyset-paged");
        notifications.MapPost("/{id}/cancel", CancelNotification)
            .ReadsNoBody()
            .WithSummary("Cancel a notification: after the answer nothing more of it is handed to FCM");

        api.MapGet("/deliveries", ListDeviceDeliveries)
            .WithTags("Deliveries")
            .WithSummary("The latest deliveries to one device, newest first");

        return app;
    }

    public static async Task<Results<Accepted<NotificationResponse>, Ok<NotificationResponse>, ValidationProblem, ProblemHttpResult, ServiceUnavailableHttpResult>> SendNotification(
        HttpRequest httpRequest, NotificationSubmission submission, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        try
        {
            await httpRequest.Body.CopyToAsync(body, cancellationToken);
        }
        catch (BadHttpRequestException exception)
        {
            return TypedResults.Problem(statusCode: exception.StatusCode, detail: exception.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? $"The request body exceeds {BodyLimits.NotificationApi / (1024 * 1024)} MiB."
                : "The request body could not be read.");
        }

        if (!JsonMediaType.Matches(httpRequest.ContentType))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type",
                detail: "The body must be sent as Content-Type: application/json.");
        }

        string? idempotencyKey = null;
        if (httpRequest.Headers.TryGetValue(ApiHeaders.IdempotencyKey, out var keys))
        {
            idempotencyKey = keys.ToString();
            if (!ApiHeaders.IsIdempotencyKey(idempotencyKey))
            {
                return Invalid(ApiHeaders.IdempotencyKey, ApiHeaders.IdempotencyKeyShape);
            }
        }

        return await submission.SubmitAsync(body.ToArray(), idempotencyKey, cancellationToken) switch
        {
            SubmissionResult.Accepted accepted => TypedResults.Accepted($"/api/notifications/{accepted.Notification.Id}", accepted.Notification),
            SubmissionResult.Replayed replayed => TypedResults.Ok(replayed.Notification),
            SubmissionResult.KeyReused reused => TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency-Key reused",
                detail: $"This Idempotency-Key was used within {reused.Window.TotalHours:0.##} h for a different request body."),
            SubmissionResult.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors, detail: string.Join(" ", invalid.Errors.SelectMany(e => e.Value))),
            SubmissionResult.Unavailable unavailable => ServiceUnavailable.Problem(
                $"Too many notifications are waiting for the work queue; this one was not stored. Retry after {ServiceUnavailable.RetryAfterSeconds(unavailable.RetryAfter)} s.",
                unavailable.RetryAfter),
            var other => throw new InvalidOperationException($"Unknown submission result {other}."),
        };
    }

    public static async Task<Results<Ok<NotificationResponse>, ProblemHttpResult>> GetNotification(
        string id, NotificationQueries queries, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var notificationId) || await queries.FindAsync(notificationId, cancellationToken) is not { } notification)
        {
            return NotFound();
        }

        return TypedResults.Ok(await queries.ToResponseAsync(notification, cancellationToken));
    }

    public static async Task<Results<Ok<NotificationResponse>, ProblemHttpResult>> CancelNotification(
        string id, NotificationCancellation cancellation, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var notificationId))
        {
            return NotFound();
        }

        return await cancellation.CancelAsync(notificationId, cancellationToken) switch
        {
            CancelResult.Canceled canceled => TypedResults.Ok(canceled.Notification),
            CancelResult.Ended ended => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Already ended",
                detail: $"The notification is already {ended.Status}; only a scheduled, queued or sending one can be canceled."),
            _ => NotFound(),
        };
    }

    public static async Task<Results<Ok<Page<NotificationResponse>>, ValidationProblem>> ListNotifications(
        string? status, string? after, string? limit, NotificationQueries queries, CancellationToken cancellationToken)
    {
        (status, after, limit) = (QueryValue.OrNull(status), QueryValue.OrNull(after), QueryValue.OrNull(limit));
        if (status is not null && !NotificationStatuses.Contains(status))
        {
            return Invalid("status", $"status must be one of {string.Join(", ", NotificationStatuses)}.");
        }

        if (ParseLimit(limit) is not { } take)
        {
            return InvalidLimit();
        }

        Guid? beforeId = null;
        if (after is not null)
        {
            if (!PageCursor.TryDecode(PageCursor.Notifications, after, out var key) || !Guid.TryParse(key, out var id))
            {
                return InvalidCursor();
            }

            beforeId = id;
        }

        var page = await queries.ListAsync(status, beforeId, take + 1, cancellationToken);
        var next = page.Count > take ? PageCursor.Encode(PageCursor.Notifications, page[take - 1].Id.ToString()) : null;
        return TypedResults.Ok(new Page<NotificationResponse>([.. page.Take(take)], next));
    }

    public static async Task<Results<Ok<Page<DeliveryResponse>>, ProblemHttpResult, ValidationProblem>> ListDeliveries(
        string id, string? status, string? after, string? limit, NotificationQueries queries, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var notificationId) || !await queries.ExistsAsync(notificationId, cancellationToken))
        {
            return NotFound();
        }

        (status, after, limit) = (QueryValue.OrNull(status), QueryValue.OrNull(after), QueryValue.OrNull(limit));
        if (status is not null && !DeliveryStatuses.Contains(status))
        {
            return Invalid("status", $"status must be one of {string.Join(", ", DeliveryStatuses)}.");
        }

        var afterId = 0L;
        if (after is not null && (!PageCursor.TryDecode(PageCursor.Deliveries, after, out var key)
            || !long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out afterId)))
        {
            return InvalidCursor();
        }

        if (ParseLimit(limit) is not { } take)
        {
            return InvalidLimit();
        }

        var page = await queries.DeliveriesAsync(notificationId, status, afterId, take + 1, cancellationToken);
        var items = page.Take(take)
            .Select(d => new DeliveryResponse(d.DeviceId, d.Topic, d.Status, d.FcmMessageId, d.Error, d.Attempts, d.UpdatedAt, d.ScheduledFor))
            .ToList();
        var next = page.Count > take ? PageCursor.Encode(PageCursor.Deliveries, page[take - 1].Id.ToString(CultureInfo.InvariantCulture)) : null;
        return TypedResults.Ok(new Page<DeliveryResponse>(items, next));
    }

    public static async Task<Results<Ok<Page<DeviceDeliveryResponse>>, ValidationProblem>> ListDeviceDeliveries(
        string? deviceId, string? limit, NotificationQueries queries, CancellationToken cancellationToken)
    {
        if (deviceId is null || !ApiPatterns.DeviceId().IsMatch(deviceId))
        {
            return Invalid("deviceId", "deviceId is required: " + NotificationRules.DeviceIdShape);
        }

        if (ParseLimit(QueryValue.OrNull(limit)) is not { } take)
        {
            return InvalidLimit();
        }

        return TypedResults.Ok(new Page<DeviceDeliveryResponse>(await queries.DeviceDeliveriesAsync(deviceId, take, cancellationToken), null));
    }

    private static int? ParseLimit(string? limit) =>
        limit is null ? DefaultLimit
        : int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= MaxLimit ? value
        : null;

    private static ValidationProblem InvalidLimit() => Invalid("limit", $"limit must be an integer between 1 and {MaxLimit}.");

    private static ValidationProblem InvalidCursor() => Invalid("after", "after must be the next cursor of a previous page.");

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, detail: message);

    private static ProblemHttpResult NotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "There is no notification with this id.");
}
