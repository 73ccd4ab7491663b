using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Pushboard.Contracts;
using Pushboard.NotificationApi.Apis;
using Pushboard.NotificationApi.Fcm;
using Pushboard.NotificationApi.Infrastructure;
using Pushboard.NotificationApi.Model;
using Pushboard.NotificationApi.Sending;
using Pushboard.ServiceDefaults;

namespace Pushboard.NotificationApi.Services;

// Accepting a notification: parse and check the body, answer a replayed Idempotency-Key, store the notification and
// queue its resolution (a timed one: schedule it). No DeviceApi or FCM call happens here.
public sealed class NotificationSubmission(
    NotificationsDbContext db,
    NotificationQueries queries,
    DeferredEnqueuer enqueuer,
    TimeProvider time,
    IOptions<NotificationsOptions> options,
    IOptions<DeferredEnqueueOptions> deferredOptions)
{
    // Strict numbers: "ttlSeconds": "60" is a bad request, not 60. An unknown field is one too: a misspelt "send_at" or a
    // "platform" put in the target would otherwise be dropped, and the notification sent now or to everyone.
    private static readonly JsonSerializerOptions RequestJsonOptions = new(JsonSerializerOptions.Web)
    {
        NumberHandling = JsonNumberHandling.Strict,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    private static readonly JsonSerializerOptions TargetJsonOptions = new(JsonSerializerOptions.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public async Task<SubmissionResult> SubmitAsync(byte[] body, string? idempotencyKey, CancellationToken cancellationToken)
    {
        if (JsonBodyText.Unstorable(body) is { } unstorable)
        {
            return Invalid(unstorable.Field, unstorable.Message);
        }

        SendNotificationRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<SendNotificationRequest>(body, RequestJsonOptions);
        }
        catch (JsonException exception)
        {
            var (field, message) = JsonBodyError.From(exception, "a field the request does not have, a value of another type, or malformed JSON");
            return Invalid(field, message);
        }

        if (request is null)
        {
            return Invalid("body", "A JSON body is required.");
        }

        var now = Microseconds(time.GetUtcNow());
        var errors = NotificationValidation.Validate(request, now);
        if (errors.Count > 0)
        {
            return new SubmissionResult.Invalid(errors);
        }

        var requestHash = Convert.ToHexString(SHA256.HashData(body));
        if (idempotencyKey is not null)
        {
            await FreeExpiredKeyAsync(idempotencyKey, cancellationToken);
            if (await FindReplayAsync(idempotencyKey, cancellationToken) is { } earlier)
            {
                return await ReplayAsync(earlier, requestHash, cancellationToken);
            }
        }

        // A timed notification waits in the database (scheduled_work) and is queued by the scheduler.
        if (ResolveAt(request, now) is { } resolveAt)
        {
            return await StoreAsync(request, now, idempotencyKey, requestHash, resolveAt, cancellationToken);
        }

        // A place on the way to Redis is taken before anything is stored: when none is left, the notification is
        // refused (503) rather than accepted with no room to wait for Redis.
        if (!enqueuer.TryReserve())
        {
            return new SubmissionResult.Unavailable(deferredOptions.Value.RetryAfter);
        }

        var enqueued = false;
        try
        {
            var result = await StoreAsync(request, now, idempotencyKey, requestHash, resolveAt: null, cancellationToken);
            if (result is SubmissionResult.Accepted accepted)
            {
                // Stored first, so it is accepted even while Redis is unreachable.
                await enqueuer.EnqueueResolveAsync(accepted.Notification.Id, Activity.Current?.Id);
                enqueued = true;
            }

            return result;
        }
        finally
        {
            if (!enqueued)
            {
                enqueuer.Release();
            }
        }
    }

    // The database keeps microseconds: the 202 answers the times a later GET and an idempotent replay answer.
    private static DateTimeOffset Microseconds(DateTimeOffset value) => value.AddTicks(-(value.Ticks % TimeSpan.TicksPerMicrosecond));

    private static DateTime Microseconds(DateTime value) => value.AddTicks(-(value.Ticks % TimeSpan.TicksPerMicrosecond));

    // A future sendAt resolves then; a localTime notification resolves at once (or at its sendAt) and waits as
    // scheduled for its moments. Null: resolve now, as an untimed notification.
    private static DateTime? ResolveAt(SendNotificationRequest request, DateTimeOffset now)
    {
        var sendAt = request.SendAt is { } given ? NotificationRules.ParseSendAt(given) : null;
        var later = sendAt > now.UtcDateTime ? sendAt : null;
        return request.LocalTime is not null ? later ?? now.UtcDateTime : later;
    }

    private async Task<SubmissionResult> StoreAsync(
        SendNotificationRequest request, DateTimeOffset now, string? idempotencyKey, string requestHash, DateTime? resolveAt,
        CancellationToken cancellationToken)
    {
        var notification = new Notification
        {
            Id = Guid.CreateVersion7(now),
            Status = resolveAt is null ? NotificationStatus.Queued : NotificationStatus.Scheduled,
            CreatedAt = now.UtcDateTime,
            UpdatedAt = now.UtcDateTime,
            TargetJson = JsonSerializer.Serialize(request.Target, TargetJsonOptions),
            MessageJson = FcmMessageBuilder.Encode(FcmMessageBuilder.Build(request, now)),
            SendAt = request.SendAt is { } sendAt ? Microseconds(NotificationRules.ParseSendAt(sendAt)!.Value) : null,
            LocalTime = request.LocalTime,
            ApnsTtlSeconds = FcmMessageBuilder.ApnsTtlSeconds(request),
            IdempotencyKey = idempotencyKey,
            RequestHash = requestHash,
        };
        db.Notifications.Add(notification);
        if (resolveAt is { } dueAt)
        {
            db.ScheduledWork.Add(new ScheduledWork { NotificationId = notification.Id, Kind = ScheduledWorkKind.Resolve, DueAt = dueAt });
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // A concurrent request with the same key won: answer as its replay.
            db.ChangeTracker.Clear();
            var winner = await FindReplayAsync(idempotencyKey!, cancellationToken);
            return winner is null ? new SubmissionResult.KeyReused(options.Value.IdempotencyWindow) : await ReplayAsync(winner, requestHash, cancellationToken);
        }

        return new SubmissionResult.Accepted(NotificationQueries.ToResponse(notification, counts: null));
    }

    private async Task<SubmissionResult> ReplayAsync(Notification earlier, string requestHash, CancellationToken cancellationToken) =>
        earlier.RequestHash == requestHash
            ? new SubmissionResult.Replayed(await queries.ToResponseAsync(earlier, cancellationToken))
            : new SubmissionResult.KeyReused(options.Value.IdempotencyWindow);

    // A key is remembered for the window only: after it, the notification that used it lets go of it, so the unique
    // index (which cannot hold a time window itself) lets the key make a new notification.
    private Task FreeExpiredKeyAsync(string key, CancellationToken cancellationToken)
    {
        var since = (time.GetUtcNow() - options.Value.IdempotencyWindow).UtcDateTime;
        return db.Notifications.Where(n => n.IdempotencyKey == key && n.CreatedAt < since)
            .ExecuteUpdateAsync(n => n.SetProperty(x => x.IdempotencyKey, (string?)null), cancellationToken);
    }

    private async Task<Notification?> FindReplayAsync(string key, CancellationToken cancellationToken)
    {
        var since = (time.GetUtcNow() - options.Value.IdempotencyWindow).UtcDateTime;
        return await db.Notifications.AsNoTracking().SingleOrDefaultAsync(n => n.IdempotencyKey == key && n.CreatedAt >= since, cancellationToken);
    }

    private static SubmissionResult.Invalid Invalid(string field, string message) => new(new() { [field] = [message] });
}
