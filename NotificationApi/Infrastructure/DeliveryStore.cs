using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Pushboard.NotificationApi.Model;

namespace Pushboard.NotificationApi.Infrastructure;

// Set-based SQL for the fan-out: one statement per page of deliveries, never a row at a time.
public sealed class DeliveryStore(NotificationsDbContext db, TimeProvider time)
{
    private const string CountColumns =
        "notification_id, shard, targeted, pending, sent, failed, invalid_token, updated_at, rate_minute, final_this_minute, final_last_minute";

    // Moves a count shard's per-minute window of final deliveries (DeliveryCount.RateMinute) to @minute. A replica
    // whose clock is behind adds to the newer minute it finds.
    private const string RollRateMinute = """
        final_last_minute = CASE WHEN c.rate_minute >= excluded.rate_minute THEN c.final_last_minute
            WHEN c.rate_minute = excluded.rate_minute - interval '1 minute' THEN c.final_this_minute ELSE 0 END,
        final_this_minute = CASE WHEN c.rate_minute >= excluded.rate_minute THEN c.final_this_minute ELSE 0 END + excluded.final_this_minute,
        rate_minute = GREATEST(c.rate_minute, excluded.rate_minute)
        """;

    // Adds the final outcomes of the statement's deliveries (the CTE `written`) to the minute's rollup (DeliveryOutcomeCount), in
    // the shard of its count row. The rows are locked in one order, after the count row (`counted` is read first), so two
    // statements of one shard never wait on each other the other way round.
    private const string RollUpOutcomes = """
        rolled_up AS (
            INSERT INTO delivery_outcomes AS o (minute, outcome, error, shard, count)
            SELECT @minute, status, coalesce(error, ''), @shard, count(*)
            FROM written
            WHERE status <> 'pending' AND EXISTS (SELECT FROM counted)
            GROUP BY status, coalesce(error, '')
            ORDER BY status, coalesce(error, '')
            ON CONFLICT (minute, outcome, error, shard) DO UPDATE SET count = o.count + excluded.count)
        """;

    private const string AddSql = $"""
        WITH written AS (
            INSERT INTO deliveries (notification_id, device_id, topic, token, status, error, attempts, updated_at)
            SELECT @notification, d.device_id, d.topic, d.token, d.status, d.error, 0, @now
            FROM unnest(@device_ids, @topics, @tokens, @statuses, @errors) AS d(device_id, topic, token, status, error)
            ON CONFLICT DO NOTHING
            RETURNING id, status, error),
        counted AS (
            INSERT INTO delivery_counts AS c ({CountColumns})
            SELECT @notification, @shard, count(*), count(*) FILTER (WHERE status = 'pending'), 0,
                count(*) FILTER (WHERE status = 'failed'), 0, @now, @minute, count(*) FILTER (WHERE status <> 'pending'), 0
            FROM written
            ON CONFLICT (notification_id, shard) DO UPDATE SET updated_at = excluded.updated_at,
                targeted = c.targeted + excluded.targeted, pending = c.pending + excluded.pending, failed = c.failed + excluded.failed,
                {RollRateMinute}
            RETURNING 1),
        {RollUpOutcomes}
        SELECT id AS "Value" FROM written WHERE status = 'pending'
        """;

    private const string RecordSql = $"""
        WITH written AS (
            UPDATE deliveries d
            SET status = r.status, fcm_message_id = r.message_id, error = r.error, attempts = d.attempts + r.attempts, updated_at = @now,
                lease_id = NULL, lease_expires_at = NULL
            FROM unnest(@ids, @statuses, @message_ids, @errors, @attempts) AS r(id, status, message_id, error, attempts)
            WHERE d.id = r.id AND d.status = 'pending' AND (r.status <> 'pending' OR d.lease_id = @lease)
            RETURNING d.status, d.error),
        counted AS (
            INSERT INTO delivery_counts AS c ({CountColumns})
            SELECT @notification, @shard, 0, -count(*) FILTER (WHERE status <> 'pending'), count(*) FILTER (WHERE status = 'sent'),
                count(*) FILTER (WHERE status = 'failed'), count(*) FILTER (WHERE status = 'invalid_token'), @now,
                @minute, count(*) FILTER (WHERE status <> 'pending'), 0
            FROM written
            ON CONFLICT (notification_id, shard) DO UPDATE SET updated_at = excluded.updated_at, pending = c.pending + excluded.pending,
                sent = c.sent + excluded.sent, failed = c.failed + excluded.failed, invalid_token = c.invalid_token + excluded.invalid_token,
                {RollRateMinute}
            RETURNING 1),
        {RollUpOutcomes}
        SELECT
        """;

    // Inserts a page of deliveries (a redelivered page inserts nothing twice: the unique indexes on device and on topic
    // per notification are the arbiters; a NOT EXISTS here once cost a JIT-compiled plan per page), counts the new ones
    // on the notification and the final ones (failed at resolution) in the minute's outcome rollup in the same statement,
    // and returns the ids of the new pending ones.
    public Task<List<long>> AddAsync(Guid notificationId, IReadOnlyList<NewDelivery> deliveries, CancellationToken cancellationToken) =>
        db.Database.SqlQueryRaw<long>(
            AddSql,
            [
                new NpgsqlParameter("notification", notificationId),
                CountShard(),
                .. Clock(),
                TextArray("device_ids", deliveries.Select(d => d.DeviceId)),
                TextArray("topics", deliveries.Select(d => d.Topic)),
                TextArray("tokens", deliveries.Select(d => d.Token)),
                TextArray("statuses", deliveries.Select(d => d.Status)),
                TextArray("errors", deliveries.Select(d => d.Error)),
            ])
            .ToListAsync(cancellationToken);

    // Leases the next page of pending deliveries in (afterId, lastId] that nobody holds (no lease, or one that ran out)
    // to leaseId for leaseDuration: a delivery is sent by one sender at a time. Deliveries another sender holds are
    // passed over; the caller learns of them from AnyPendingAsync. Lease times are the database's clock, not a replica's.
    public async Task<List<PendingDelivery>> LeasePendingAsync(
        Guid notificationId, long afterId, long lastId, int size, Guid leaseId, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        var page = await db.Database.SqlQueryRaw<PendingDelivery>(
            """
            WITH page AS (
                SELECT id FROM deliveries
                WHERE notification_id = @notification AND id > @after AND id <= @last AND status = 'pending'
                    AND (lease_expires_at IS NULL OR lease_expires_at < now())
                ORDER BY id
                LIMIT @size
                FOR UPDATE SKIP LOCKED)
            UPDATE deliveries d SET lease_id = @lease, lease_expires_at = now() + @duration
            FROM page
            WHERE d.id = page.id
            RETURNING d.id AS "Id", d.device_id AS "DeviceId", d.topic AS "Topic", d.token AS "Token"
            """,
            new NpgsqlParameter("notification", notificationId),
            new NpgsqlParameter("after", afterId),
            new NpgsqlParameter("last", lastId),
            new NpgsqlParameter("size", size),
            new NpgsqlParameter("lease", leaseId),
            new NpgsqlParameter("duration", leaseDuration))
            .ToListAsync(cancellationToken);
        page.Sort((a, b) => a.Id.CompareTo(b.Id));
        return page;
    }

    // Extends a lease over those of deliveryIds that it still holds and that are still pending. False when another
    // sender holds one of them: this lease ran out and was taken over, so its holder must stop sending.
    public async Task<bool> RenewLeaseAsync(Guid leaseId, long[] deliveryIds, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        var takenOver = await db.Database.SqlQueryRaw<int>(
            """
            WITH renewed AS (
                UPDATE deliveries SET lease_expires_at = now() + @duration
                WHERE id = ANY(@ids) AND lease_id = @lease AND status = 'pending'
                RETURNING id)
            SELECT count(*)::int AS "Value" FROM deliveries
            WHERE id = ANY(@ids) AND status = 'pending' AND lease_id IS DISTINCT FROM @lease AND lease_expires_at > now()
            """,
            new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = deliveryIds },
            new NpgsqlParameter("lease", leaseId),
            new NpgsqlParameter("duration", leaseDuration))
            .SingleAsync(cancellationToken);
        return takenOver == 0;
    }

    // Lets go of what a sender leased and did not send (it is stopping, or its lease was lost).
    public Task ReleaseLeaseAsync(Guid leaseId, long[] deliveryIds, CancellationToken cancellationToken) =>
        db.Deliveries
            .Where(d => deliveryIds.Contains(d.Id) && d.LeaseId == leaseId && d.Status == DeliveryStatus.Pending)
            .ExecuteUpdateAsync(d => d.SetProperty(x => x.LeaseId, (Guid?)null).SetProperty(x => x.LeaseExpiresAt, (DateTime?)null), cancellationToken);

    // Whether any delivery of the range is still pending: left for a later pass, or held by another sender.
    public Task<bool> AnyPendingAsync(Guid notificationId, long firstId, long lastId, CancellationToken cancellationToken) =>
        db.Deliveries.AnyAsync(
            d => d.NotificationId == notificationId && d.Id >= firstId && d.Id <= lastId && d.Status == DeliveryStatus.Pending,
            cancellationToken);

    // A sender working on a notification keeps it from looking stalled.
    public Task TouchAsync(Guid notificationId, CancellationToken cancellationToken) =>
        db.Notifications.Where(n => n.Id == notificationId)
            .ExecuteUpdateAsync(n => n.SetProperty(x => x.UpdatedAt, time.GetUtcNow().UtcDateTime), cancellationToken);

    // Records send results of deliveries still pending (a redelivered range records nothing twice), ends their lease (one
    // left pending may be taken by the next pass at once), and moves the notification's counts and the minute's outcome
    // rollup by the rows that changed, in the same statement. A final outcome is recorded whoever holds the delivery now (FCM answered it); one left
    // pending only while leaseId still holds it, so that it never ends another sender's lease.
    public Task RecordAsync(Guid notificationId, Guid leaseId, IReadOnlyList<DeliveryResult> results, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlRawAsync(
            RecordSql,
            [
                new NpgsqlParameter("notification", notificationId),
                new NpgsqlParameter("lease", leaseId),
                CountShard(),
                .. Clock(),
                new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = results.Select(r => r.Id).ToArray() },
                TextArray("statuses", results.Select(r => r.Status)),
                TextArray("message_ids", results.Select(r => r.FcmMessageId)),
                TextArray("errors", results.Select(r => r.Error)),
                new NpgsqlParameter("attempts", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = results.Select(r => r.Attempts).ToArray() },
            ],
            cancellationToken);

    // The id range of a notification's pending deliveries above afterId; above QueuedThroughDeliveryId these are the
    // ones no queued send item covers (a resolver wrote them but died before queueing).
    public async Task<(long First, long Last)?> PendingRangeAsync(Guid notificationId, long afterId, CancellationToken cancellationToken)
    {
        var range = await db.Deliveries
            .Where(d => d.NotificationId == notificationId && d.Id > afterId && d.Status == DeliveryStatus.Pending)
            .GroupBy(d => d.NotificationId)
            .Select(group => new { First = group.Min(d => d.Id), Last = group.Max(d => d.Id) })
            .SingleOrDefaultAsync(cancellationToken);
        return range is null ? null : (range.First, range.Last);
    }

    public Task MarkQueuedThroughAsync(Guid notificationId, long lastDeliveryId, CancellationToken cancellationToken) =>
        db.Notifications.Where(n => n.Id == notificationId && n.QueuedThroughDeliveryId < lastDeliveryId)
            .ExecuteUpdateAsync(n => n.SetProperty(x => x.QueuedThroughDeliveryId, lastDeliveryId), cancellationToken);

    public Task StartSendingAsync(Guid notificationId, CancellationToken cancellationToken) =>
        db.Notifications.Where(n => n.Id == notificationId && n.Status == NotificationStatus.Queued)
            .ExecuteUpdateAsync(n => n
                .SetProperty(x => x.Status, NotificationStatus.Sending)
                .SetProperty(x => x.UpdatedAt, time.GetUtcNow().UtcDateTime), cancellationToken);

    // Resolution is done: a notification without any delivery failed (failureReason says why); otherwise it completes
    // once nothing is pending.
    public async Task FinishResolvingAsync(Guid notificationId, string failureReason, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await db.Notifications.Where(n => n.Id == notificationId && n.ResolvedAt == null)
            .ExecuteUpdateAsync(n => n.SetProperty(x => x.ResolvedAt, now).SetProperty(x => x.UpdatedAt, now), cancellationToken);
        await db.Notifications
            .Where(n => n.Id == notificationId && n.Status != NotificationStatus.Completed
                && db.DeliveryCounts.Where(c => c.NotificationId == notificationId).Sum(c => c.Targeted) == 0)
            .ExecuteUpdateAsync(n => n
                .SetProperty(x => x.Status, NotificationStatus.Failed)
                .SetProperty(x => x.FailureReason, failureReason)
                .SetProperty(x => x.CompletedAt, now), cancellationToken);
        await CompleteIfDoneAsync(notificationId, cancellationToken);
    }

    public Task CompleteIfDoneAsync(Guid notificationId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return db.Notifications
            .Where(n => n.Id == notificationId && n.Status == NotificationStatus.Sending && n.ResolvedAt != null
                && db.DeliveryCounts.Where(c => c.NotificationId == notificationId).Sum(c => c.Pending) == 0)
            .ExecuteUpdateAsync(n => n
                .SetProperty(x => x.Status, NotificationStatus.Completed)
                .SetProperty(x => x.CompletedAt, now)
                .SetProperty(x => x.UpdatedAt, now), cancellationToken);
    }

    // @now and the minute it falls in, from one reading of the clock.
    private NpgsqlParameter[] Clock()
    {
        var now = time.GetUtcNow();
        return [new("now", now.UtcDateTime), new("minute", DeliveryOutcomeCount.MinuteOf(now))];
    }

    private static NpgsqlParameter CountShard() =>
        new NpgsqlParameter<short>("shard", (short)Random.Shared.Next(DeliveryCount.Shards));

    private static NpgsqlParameter TextArray(string name, IEnumerable<string?> values) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = values.Select(v => (object?)v ?? DBNull.Value).ToArray() };
}
