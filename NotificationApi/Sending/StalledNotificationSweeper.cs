using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pushboard.NotificationApi.Infrastructure;
using Pushboard.NotificationApi.Model;
using Pushboard.ServiceDefaults;

namespace Pushboard.NotificationApi.Sending;

// Belt and braces for "nothing accepted is lost": a notification that made no progress for a while (its work item was
// lost with a Redis without persistence, or it was accepted while Redis was unreachable) is queued again; so is a
// localTime notification whose resolution the scheduler queued and Redis lost. Redelivery is harmless: deliveries are
// unique per device and only pending ones are sent. A notification gets no second copy while its last one is still in
// the stream (waiting, or retried through a long FCM outage), and replicas sweeping at once queue one copy between
// them: however long the outage, a notification in progress has its own items plus one copy. A resolved one with
// nothing left to send is ended here: a localTime notification whose scheduler stopped between its last moment and its
// move to sending, or whose last sends ended before that move.
public sealed partial class StalledNotificationSweeper(
    IServiceScopeFactory scopes,
    WorkQueue queue,
    TimeProvider time,
    IOptions<SendingOptions> options,
    ILogger<StalledNotificationSweeper> logger) : PeriodicJob(time, logger)
{
    protected override TimeSpan Interval => options.Value.SweepInterval;

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
        var deliveries = scope.ServiceProvider.GetRequiredService<DeliveryStore>();
        var stalledBefore = (Time.GetUtcNow() - options.Value.StalledAfter).UtcDateTime;
        var stalled = await db.Notifications.AsNoTracking()
            .Where(n => (n.Status == NotificationStatus.Queued || n.Status == NotificationStatus.Sending
                    || (n.Status == NotificationStatus.Scheduled && n.LocalTime != null && n.ResolvedAt == null
                        && !db.ScheduledWork.Any(w => w.NotificationId == n.Id && w.Kind == ScheduledWorkKind.Resolve))
                    || (n.Status == NotificationStatus.Scheduled && n.ResolvedAt != null && !db.ScheduledWork.Any(w => w.NotificationId == n.Id)))
                && n.UpdatedAt < stalledBefore
                && !db.DeliveryCounts.Any(c => c.NotificationId == n.Id && c.UpdatedAt >= stalledBefore))
            .Select(n => new { n.Id, n.UpdatedAt, n.ResolvedAt, n.SweptWorkEntry })
            .Take(options.Value.SweepBatchSize)
            .ToListAsync(cancellationToken);
        foreach (var notification in stalled)
        {
            // Replicas sweeping at the same moment: only the one whose touch finds the notification as it was read
            // sweeps it, so they do not queue a copy each.
            var sweptAt = Time.GetUtcNow().UtcDateTime;
            var touched = await db.Notifications.Where(n => n.Id == notification.Id && n.UpdatedAt == notification.UpdatedAt)
                .ExecuteUpdateAsync(n => n.SetProperty(x => x.UpdatedAt, sweptAt), cancellationToken);
            if (touched == 0)
            {
                continue;
            }

            string? entry;
            try
            {
                // A copy still in the stream stands (it may be retried through a long FCM outage): no second one.
                entry = notification.SweptWorkEntry is { } swept && await queue.HoldsAsync(swept)
                    ? swept
                    : await RequeueAsync(deliveries, notification.Id, notification.ResolvedAt, cancellationToken);
            }
            catch (Exception exception)
            {
                // Stopped while it waited for Redis, say: the touch is undone, so that the next sweep (of any replica)
                // tries again rather than one StalledAfter later; unless something else touched the notification meanwhile.
                await UndoTouchAsync(db, notification.Id, sweptAt, notification.UpdatedAt, exception);
                throw;
            }

            // Recorded even while the service stops: a copy queued and not recorded would be queued again.
            if (entry != notification.SweptWorkEntry)
            {
                await db.Notifications.Where(n => n.Id == notification.Id)
                    .ExecuteUpdateAsync(n => n.SetProperty(x => x.SweptWorkEntry, entry), CancellationToken.None);
            }
        }
    }

    // Best effort: a failure here, whatever it is, is logged, and the sweep's own failure is the one that goes on.
    private async Task UndoTouchAsync(NotificationsDbContext db, Guid notificationId, DateTime sweptAt, DateTime before, Exception cause)
    {
        try
        {
            await db.Notifications.Where(n => n.Id == notificationId && n.UpdatedAt == sweptAt)
                .ExecuteUpdateAsync(n => n.SetProperty(x => x.UpdatedAt, before), CancellationToken.None);
        }
        catch (Exception exception)
        {
            LogTouchKept(notificationId, cause.GetType().Name, exception);
        }
    }

    // Queues the notification's work again; returns the entry, or null when it had nothing left to send and was ended.
    private async Task<string?> RequeueAsync(DeliveryStore deliveries, Guid notificationId, DateTime? resolvedAt, CancellationToken cancellationToken)
    {
        if (resolvedAt is null)
        {
            LogRequeued(notificationId);
            return await queue.EnqueueResolveAsync(notificationId, null, cancellationToken);
        }

        await deliveries.StartSendingWhenAllDueAsync(notificationId, cancellationToken);
        if (await deliveries.PendingRangeAsync(notificationId, afterId: 0, cancellationToken) is (var first, var last))
        {
            LogRequeued(notificationId);
            return await queue.EnqueueSendAsync(notificationId, first, last, null, cancellationToken);
        }

        await deliveries.CompleteIfDoneAsync(notificationId, cancellationToken);
        LogEnding(notificationId);
        return null;
    }

    [LoggerMessage(LogLevel.Warning, "Notification {NotificationId} made no progress for a while with nothing left to send, and is ended")]
    private partial void LogEnding(Guid notificationId);

    [LoggerMessage(LogLevel.Warning, "Sweeping notification {NotificationId} failed ({Cause}) and its touch could not be undone; it is swept again after Sending:StalledAfter")]
    private partial void LogTouchKept(Guid notificationId, string cause, Exception exception);

    [LoggerMessage(LogLevel.Warning, "Notification {NotificationId} made no progress for a while and is queued again")]
    private partial void LogRequeued(Guid notificationId);
}
