using Microsoft.Extensions.Options;
using Pushboard.NotificationApi.Infrastructure;
using Pushboard.NotificationApi.Model;
using Pushboard.ServiceDefaults;

namespace Pushboard.NotificationApi.Sending;

// Runs on every replica: leases the scheduled work that is due and queues it on the work stream — a notification's
// resolution at its sendAt, a moment's deliveries as send items of Sending:ScheduledSendSpan ids each. It also refreshes
// the scheduled backlog that the metrics gauge reads.
public sealed partial class NotificationScheduler(
    IServiceScopeFactory scopes,
    WorkQueue queue,
    SendingMetrics metrics,
    TimeProvider time,
    IOptions<SendingOptions> options,
    ILogger<NotificationScheduler> logger) : PeriodicJob(time, logger)
{
    protected override TimeSpan Interval => options.Value.SchedulerInterval;

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<ScheduledWorkStore>();
        var deliveries = scope.ServiceProvider.GetRequiredService<DeliveryStore>();
        List<DueWork> due;
        do
        {
            due = await store.LeaseDueAsync(settings.SchedulerBatchSize, settings.LeaseDuration, cancellationToken);
            foreach (var work in due)
            {
                if (work.Kind == ScheduledWorkKind.Resolve)
                {
                    if (await store.ReleaseForResolutionAsync(work.NotificationId, cancellationToken))
                    {
                        await queue.EnqueueResolveAsync(work.NotificationId, null, cancellationToken);
                    }
                }
                else
                {
                    for (var first = work.FirstDeliveryId; first <= work.LastDeliveryId; first += settings.ScheduledSendSpan)
                    {
                        var last = Math.Min(first + settings.ScheduledSendSpan - 1, work.LastDeliveryId);
                        await queue.EnqueueMomentAsync(work.NotificationId, first, last, work.DueAt, cancellationToken);
                    }
                }

                await store.DoneAsync(work, cancellationToken);
                await deliveries.StartSendingWhenAllDueAsync(work.NotificationId, cancellationToken);
                // The last moment's sends may all have ended before the notification was sending: none of them completed it.
                await deliveries.CompleteIfDoneAsync(work.NotificationId, cancellationToken);
                LogQueued(work.Kind, work.NotificationId);
            }
        }
        while (due.Count == settings.SchedulerBatchSize);

        metrics.ScheduledBacklog = await store.BacklogAsync(cancellationToken);
    }

    [LoggerMessage(LogLevel.Information, "Scheduled work ({Kind}) of notification {NotificationId} is due and queued")]
    private partial void LogQueued(string kind, Guid notificationId);
}
