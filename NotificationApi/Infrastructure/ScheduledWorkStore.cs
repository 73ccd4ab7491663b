using Microsoft.EntityFrameworkCore;
using Npgsql;
using Pushboard.NotificationApi.Model;

namespace Pushboard.NotificationApi.Infrastructure;

// The scheduled_work rows: leased by one replica's scheduler at a time (FOR UPDATE SKIP LOCKED), deleted once their
// work is queued; a replica that dies holding one lets its lease run out, and another queues it again (harmless: only
// pending deliveries are sent, and a resolve page inserts nothing twice).
public sealed class ScheduledWorkStore(NotificationsDbContext db, TimeProvider time)
{
    // Due is the service's clock (TimeProvider), leases the database's; a moment's senders go by the due_at it returns.
    public Task<List<DueWork>> LeaseDueAsync(int size, TimeSpan leaseDuration, CancellationToken cancellationToken) =>
        db.Database.SqlQueryRaw<DueWork>(
            """
            WITH due AS (
                SELECT id FROM scheduled_work
                WHERE due_at <= @now AND (lease_expires_at IS NULL OR lease_expires_at < now())
                ORDER BY due_at
                LIMIT @size
                FOR UPDATE SKIP LOCKED)
            UPDATE scheduled_work w SET lease_expires_at = now() + @duration
            FROM due
            WHERE w.id = due.id
            RETURNING w.id AS "Id", w.notification_id AS "NotificationId", w.kind AS "Kind", w.due_at AS "DueAt",
                w.first_delivery_id AS "FirstDeliveryId", w.last_delivery_id AS "LastDeliveryId"
            """,
            new NpgsqlParameter("now", time.GetUtcNow().UtcDateTime),
            new NpgsqlParameter("size", size),
            new NpgsqlParameter("duration", leaseDuration))
            .ToListAsync(cancellationToken);

    // Deleted when its range is still the one queued; a resolver page of the same moment that widened it meanwhile lets
    // it go instead, to be queued again with the new range.
    public async Task DoneAsync(DueWork work, CancellationToken cancellationToken)
    {
        var deleted = await db.ScheduledWork
            .Where(w => w.Id == work.Id && w.FirstDeliveryId == work.FirstDeliveryId && w.LastDeliveryId == work.LastDeliveryId)
            .ExecuteDeleteAsync(cancellationToken);
        if (deleted == 0)
        {
            await db.ScheduledWork.Where(w => w.Id == work.Id)
                .ExecuteUpdateAsync(w => w.SetProperty(x => x.LeaseExpiresAt, (DateTime?)null), cancellationToken);
        }
    }

    // At its sendAt a notification is queued for resolution; a localTime one stays scheduled through its moments.
    // True while its resolution is still to be queued: also when a scheduler released it and then stopped, or failed
    // to reach Redis, before queueing it (the row stayed: a resolve item queued twice writes its pages once). False when
    // it was canceled, or its resolution finished.
    public async Task<bool> ReleaseForResolutionAsync(Guid notificationId, CancellationToken cancellationToken)
    {
        await db.Notifications.Where(n => n.Id == notificationId && n.Status == NotificationStatus.Scheduled)
            .ExecuteUpdateAsync(n => n
                .SetProperty(x => x.Status, x => x.LocalTime == null ? NotificationStatus.Queued : x.Status)
                .SetProperty(x => x.UpdatedAt, time.GetUtcNow().UtcDateTime), cancellationToken);
        return await db.Notifications.AnyAsync(n => n.Id == notificationId && n.ResolvedAt == null
            && (n.Status == NotificationStatus.Scheduled || n.Status == NotificationStatus.Queued), cancellationToken);
    }

    public async Task<ScheduledBacklog> BacklogAsync(CancellationToken cancellationToken) => new(
        await db.Notifications.CountAsync(n => n.Status == NotificationStatus.Scheduled, cancellationToken),
        await db.ScheduledWork.CountAsync(cancellationToken));
}
