using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pushboard.NotificationApi.Infrastructure;
using Pushboard.NotificationApi.Model;

namespace Pushboard.NotificationApi.Services;

// Deletes the notifications that ended longer ago than Retention:Notifications, with their deliveries and counts, and
// the delivery outcome rollups older than Retention:DeliveryStats.
// Batched deletes rather than time partitions (docs/notificationapi.md#retention): the deliveries of one notification
// are one range of the (notification_id, id) index, so a batch is an index range scan that locks only its own rows.
public sealed class NotificationRetention(NotificationsDbContext db, TimeProvider time, IOptions<RetentionOptions> options)
{
    // Returns how many notifications were deleted.
    public async Task<int> DeleteEndedAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var cutoff = (time.GetUtcNow() - settings.Notifications).UtcDateTime;
        var deleted = 0;
        List<Guid> ended;
        do
        {
            ended = await db.Notifications.AsNoTracking()
                .Where(n => n.CompletedAt < cutoff)
                .OrderBy(n => n.CompletedAt)
                .Select(n => n.Id)
                .Take(settings.DeleteBatchSize)
                .ToListAsync(cancellationToken);
            foreach (var notificationId in ended)
            {
                await DeleteAsync(notificationId, settings, cancellationToken);
                deleted++;
            }
        }
        while (ended.Count == settings.DeleteBatchSize);

        return deleted;
    }

    // The outcome rollups of the minutes older than Retention:DeliveryStats: an hour's worth each run, a few thousand rows
    // at most, of minutes that nobody writes any more. Returns how many rows were deleted.
    public Task<int> DeleteDeliveryStatsAsync(CancellationToken cancellationToken)
    {
        var cutoff = DeliveryOutcomeCount.MinuteOf(time.GetUtcNow() - options.Value.DeliveryStats);
        return db.DeliveryOutcomes.Where(o => o.Minute < cutoff).ExecuteDeleteAsync(cancellationToken);
    }

    // The deliveries first, a batch per statement; the notification and its counts last, in one transaction, so a
    // deletion cut short by a restart is picked up again by the next run.
    private async Task DeleteAsync(Guid notificationId, RetentionOptions settings, CancellationToken cancellationToken)
    {
        // Keyset: each batch starts after the last id deleted, so it does not walk again over the index entries of the
        // rows deleted before it (dead until vacuumed).
        var afterId = 0L;
        while (true)
        {
            var ids = await db.Deliveries.Where(d => d.NotificationId == notificationId && d.Id > afterId)
                .OrderBy(d => d.Id).Select(d => d.Id).Take(settings.DeleteBatchSize).ToListAsync(cancellationToken);
            if (ids.Count == 0)
            {
                break;
            }

            await db.Deliveries.Where(d => ids.Contains(d.Id)).ExecuteDeleteAsync(cancellationToken);
            afterId = ids[^1];
            await Task.Delay(settings.BatchPause, time, cancellationToken);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.DeliveryCounts.Where(c => c.NotificationId == notificationId).ExecuteDeleteAsync(cancellationToken);
        await db.Notifications.Where(n => n.Id == notificationId).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
