using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pushboard.NotificationApi.Infrastructure;
using Pushboard.NotificationApi.Model;
using Pushboard.ServiceDefaults;

namespace Pushboard.NotificationApi.Sending;

// Belt and braces for "nothing accepted is lost": a notification that made no progress for a while (its work item was
// lost with a Redis without persistence, or it was accepted while Redis was unreachable) is queued again; so is a
// localTime notification whose resolution the scheduler queued and Redis lost. Redelivery is harmless:
// deliveries are unique per device and only pending ones are sent. A resolved one with nothing left to send is ended
// here: a localTime notification whose scheduler stopped between its last moment and its move to sending, or whose
// last sends ended before that move.
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
            .Select(n => new { n.Id, n.ResolvedAt })
            .Take(options.Value.SweepBatchSize)
            .ToListAsync(cancellationToken);
        foreach (var notification in stalled)
        {
            if (notification.ResolvedAt is null)
            {
                await queue.EnqueueResolveAsync(notification.Id, null, cancellationToken);
                LogRequeued(notification.Id);
            }
            else
            {
                await deliveries.StartSendingWhenAllDueAsync(notification.Id, cancellationToken);
                if (await deliveries.PendingRangeAsync(notification.Id, afterId: 0, cancellationToken) is (var first, var last))
                {
                    await queue.EnqueueSendAsync(notification.Id, first, last, null, cancellationToken);
                    LogRequeued(notification.Id);
                }
                else
                {
                    await deliveries.CompleteIfDoneAsync(notification.Id, cancellationToken);
                    LogEnding(notification.Id);
                }
            }

            await db.Notifications.Where(n => n.Id == notification.Id)
                .ExecuteUpdateAsync(n => n.SetProperty(x => x.UpdatedAt, Time.GetUtcNow().UtcDateTime), cancellationToken);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Notification {NotificationId} made no progress for a while with nothing left to send, and is ended")]
    private partial void LogEnding(Guid notificationId);

    [LoggerMessage(LogLevel.Warning, "Notification {NotificationId} made no progress for a while and is queued again")]
    private partial void LogRequeued(Guid notificationId);
}
