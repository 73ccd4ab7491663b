using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Pushboard.NotificationApi.Fcm;
using Pushboard.NotificationApi.Infrastructure;
using Pushboard.NotificationApi.Model;
using Pushboard.NotificationApi.Sending;
using Pushboard.ServiceDefaults.ApiKeys;

namespace Pushboard.NotificationApi.Apis;

public static class NotificationsApi
{
    public const int MaxIdempotencyKeyLength = 128;
    private const int DefaultLimit = 50;
    private const int MaxLimit = 500;
    private static readonly TimeSpan IdempotencyWindow = TimeSpan.FromHours(24);
    // Strict numbers: "ttlSeconds": "60" is a bad request, not 60.
    private static readonly JsonSerializerOptions RequestJsonOptions = new(JsonSerializerOptions.Web)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict,
    };
    private static readonly JsonSerializerOptions TargetJsonOptions = new(JsonSerializerOptions.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
    private static readonly string[] DeliveryStatuses = [DeliveryStatus.Pending, DeliveryStatus.Sent, DeliveryStatus.Failed, DeliveryStatus.InvalidToken];

    public static IEndpointRouteBuilder MapNotificationApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireAuthorization(ApiKeyPolicies.Admin);
        api.MapPost("/notifications", SendNotification);
        api.MapGet("/notifications/{id}", GetNotification);
        api.MapGet("/notifications", ListNotifications);
        api.MapGet("/notifications/{id}/deliveries", ListDeliveries);
        api.MapGet("/deliveries", ListDeviceDeliveries);
        return app;
    }

    private static async Task<IResult> SendNotification(
        HttpRequest httpRequest, NotificationsDbContext db, DeferredEnqueuer enqueuer, TimeProvider time, CancellationToken cancellationToken)
    {
        var idempotencyKey = httpRequest.Headers["Idempotency-Key"].ToString();
        if (httpRequest.Headers.ContainsKey("Idempotency-Key") && !IsValidIdempotencyKey(idempotencyKey))
        {
            return Invalid("Idempotency-Key", $"Idempotency-Key must be 1–{MaxIdempotencyKeyLength} printable ASCII characters.");
        }

        using var body = new MemoryStream();
        try
        {
            await httpRequest.Body.CopyToAsync(body, cancellationToken);
        }
        catch (BadHttpRequestException exception)
        {
            return Results.Problem(statusCode: exception.StatusCode, detail: exception.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? $"The request body exceeds {ApplicationServicesExtensions.MaxRequestBodyBytes / 1024} KB."
                : "The request body could not be read.");
        }

        var bodyBytes = body.ToArray();
        SendNotificationRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<SendNotificationRequest>(bodyBytes, RequestJsonOptions);
        }
        catch (JsonException exception)
        {
            return Invalid(exception.Path is { Length: > 2 } path ? path[2..] : "body", "The body is not JSON of the documented shape.");
        }

        if (request is null)
        {
            return Invalid("body", "A JSON body is required.");
        }

        var errors = NotificationValidation.Validate(request);
        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors, detail: string.Join(" ", errors.SelectMany(e => e.Value)));
        }

        var requestHash = Convert.ToHexString(SHA256.HashData(bodyBytes));
        var key = idempotencyKey.Length > 0 ? idempotencyKey : null;
        if (key is not null && await FindReplayAsync(db, key, time, cancellationToken) is { } earlier)
        {
            return earlier.RequestHash == requestHash
                ? Results.Ok(await ToResponseAsync(db, earlier, cancellationToken))
                : Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency-Key reused",
                    detail: "This Idempotency-Key was used within 24 h for a different request body.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var notification = new Notification
        {
            Id = Guid.CreateVersion7(),
            CreatedAt = now,
            UpdatedAt = now,
            TargetJson = JsonSerializer.Serialize(request.Target, TargetJsonOptions),
            MessageJson = FcmMessageBuilder.Build(request).ToJsonString(),
            IdempotencyKey = key,
            RequestHash = requestHash,
        };
        db.Notifications.Add(notification);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // A concurrent request with the same key won: answer as its replay.
            db.ChangeTracker.Clear();
            var winner = await FindReplayAsync(db, key!, time, cancellationToken);
            return winner is not null && winner.RequestHash == requestHash
                ? Results.Ok(await ToResponseAsync(db, winner, cancellationToken))
                : Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency-Key reused",
                    detail: "This Idempotency-Key was used within 24 h for a different request body.");
        }

        // Stored first, so it is accepted even while Redis is unreachable.
        await enqueuer.EnqueueResolveAsync(notification.Id, Activity.Current?.Id);
        return Results.Accepted($"/api/notifications/{notification.Id}", ToResponse(notification, counts: null));
    }

    private static async Task<Notification?> FindReplayAsync(NotificationsDbContext db, string key, TimeProvider time, CancellationToken cancellationToken)
    {
        var since = (time.GetUtcNow() - IdempotencyWindow).UtcDateTime;
        return await db.Notifications.AsNoTracking().SingleOrDefaultAsync(n => n.IdempotencyKey == key && n.CreatedAt >= since, cancellationToken);
    }

    private static async Task<IResult> GetNotification(string id, NotificationsDbContext db, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var notificationId)
            || await db.Notifications.AsNoTracking().SingleOrDefaultAsync(n => n.Id == notificationId, cancellationToken) is not { } notification)
        {
            return NotFound();
        }

        return Results.Ok(await ToResponseAsync(db, notification, cancellationToken));
    }

    private static async Task<IResult> ListNotifications(string? after, string? limit, NotificationsDbContext db, CancellationToken cancellationToken)
    {
        if (ParseLimit(limit) is not { } take)
        {
            return Invalid("limit", $"limit must be an integer between 1 and {MaxLimit}.");
        }

        if (!PageCursor.TryDecode(after, out var afterKey) || (after is not null && !Guid.TryParse(afterKey, out _)))
        {
            return Invalid("after", "after must be the next cursor of a previous page.");
        }

        var query = db.Notifications.AsNoTracking();
        if (after is not null)
        {
            var afterId = Guid.Parse(afterKey);
            query = query.Where(n => n.Id.CompareTo(afterId) < 0);
        }

        var page = await query.OrderByDescending(n => n.Id).Take(take + 1).ToListAsync(cancellationToken);
        var shown = page.Take(take).ToList();
        var counts = await CountsAsync(db, [.. shown.Select(n => n.Id)], cancellationToken);
        var items = shown.Select(notification => ToResponse(notification, counts.GetValueOrDefault(notification.Id))).ToList();

        return Results.Ok(new Page<NotificationResponse>(items, page.Count > take ? PageCursor.Encode(page[take - 1].Id.ToString()) : null));
    }

    private static async Task<IResult> ListDeliveries(
        string id, string? status, string? after, string? limit, NotificationsDbContext db, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var notificationId) || !await db.Notifications.AnyAsync(n => n.Id == notificationId, cancellationToken))
        {
            return NotFound();
        }

        if (ParseQuery(status, after, limit) is { } invalid)
        {
            return invalid;
        }

        PageCursor.TryDecode(after, out var afterKey);
        var afterId = after is null ? 0 : long.Parse(afterKey, CultureInfo.InvariantCulture);
        var take = ParseLimit(limit)!.Value;
        var query = db.Deliveries.AsNoTracking().Where(d => d.NotificationId == notificationId && d.Id > afterId);
        if (status is not null)
        {
            query = query.Where(d => d.Status == status);
        }

        var page = await query.OrderBy(d => d.Id).Take(take + 1).ToListAsync(cancellationToken);
        var items = page.Take(take)
            .Select(d => new DeliveryResponse(d.DeviceId, d.Topic, d.Status, d.FcmMessageId, d.Error, d.Attempts, d.UpdatedAt))
            .ToList();
        return Results.Ok(new Page<DeliveryResponse>(items, page.Count > take ? PageCursor.Encode(page[take - 1].Id.ToString(CultureInfo.InvariantCulture)) : null));
    }

    private static async Task<IResult> ListDeviceDeliveries(string? deviceId, string? limit, NotificationsDbContext db, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(deviceId) || deviceId.Length > 128)
        {
            return Invalid("deviceId", "deviceId is required (1–128 characters).");
        }

        if (ParseLimit(limit) is not { } take)
        {
            return Invalid("limit", $"limit must be an integer between 1 and {MaxLimit}.");
        }

        var items = await db.Deliveries.AsNoTracking()
            .Where(d => d.DeviceId == deviceId)
            .OrderByDescending(d => d.Id)
            .Take(take)
            .Select(d => new DeviceDeliveryResponse(d.NotificationId, d.DeviceId, d.Topic, d.Status, d.FcmMessageId, d.Error, d.Attempts, d.UpdatedAt))
            .ToListAsync(cancellationToken);
        return Results.Ok(new Page<DeviceDeliveryResponse>(items, null));
    }

    private static async Task<NotificationResponse> ToResponseAsync(NotificationsDbContext db, Notification notification, CancellationToken cancellationToken) =>
        ToResponse(notification, (await CountsAsync(db, [notification.Id], cancellationToken)).GetValueOrDefault(notification.Id));

    // The delivery counts of a page of notifications: the sums of their count shards, in one grouped query.
    private static async Task<Dictionary<Guid, NotificationCounts>> CountsAsync(
        NotificationsDbContext db, IReadOnlyList<Guid> notificationIds, CancellationToken cancellationToken) =>
        await db.DeliveryCounts.AsNoTracking()
            .Where(c => notificationIds.Contains(c.NotificationId))
            .GroupBy(c => c.NotificationId)
            .Select(shards => new
            {
                NotificationId = shards.Key,
                Counts = new NotificationCounts(shards.Sum(c => c.Targeted), shards.Sum(c => c.Sent), shards.Sum(c => c.Failed),
                    shards.Sum(c => c.InvalidToken), shards.Sum(c => c.Pending)),
            })
            .ToDictionaryAsync(row => row.NotificationId, row => row.Counts, cancellationToken);

    // A notification without counts yet (just accepted, nothing resolved) shows zeros.
    private static NotificationResponse ToResponse(Notification notification, NotificationCounts? counts)
    {
        using var target = JsonDocument.Parse(notification.TargetJson);
        return new NotificationResponse(
            notification.Id,
            notification.Status,
            notification.CreatedAt,
            notification.CompletedAt,
            notification.FailureReason,
            target.RootElement.Clone(),
            counts ?? new NotificationCounts(0, 0, 0, 0, 0));
    }

    private static IResult? ParseQuery(string? status, string? after, string? limit)
    {
        if (status is not null && !DeliveryStatuses.Contains(status))
        {
            return Invalid("status", $"status must be one of {string.Join(", ", DeliveryStatuses)}.");
        }

        if (!PageCursor.TryDecode(after, out var afterKey) || (after is not null && !long.TryParse(afterKey, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            return Invalid("after", "after must be the next cursor of a previous page.");
        }

        return ParseLimit(limit) is null ? Invalid("limit", $"limit must be an integer between 1 and {MaxLimit}.") : null;
    }

    private static int? ParseLimit(string? limit) =>
        limit is null ? DefaultLimit
        : int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= MaxLimit ? value
        : null;

    private static bool IsValidIdempotencyKey(string key) =>
        key.Length is > 0 and <= MaxIdempotencyKeyLength && key.All(c => c is >= '!' and <= '~' or ' ');

    private static IResult Invalid(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, detail: message);

    private static IResult NotFound() =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "There is no notification with this id.");
}
