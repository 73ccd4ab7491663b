using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Pushboard.NotificationApi.Model;

namespace Pushboard.NotificationApi.Infrastructure;

// Set-based SQL for the fan-out: one statement per page of deliveries, never a row at a time.
public sealed class DeliveryStore(NotificationsDbContext db, TimeProvider time)
{
    private const int CancelBatchSize = 5000;

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

    // Counts a page's new deliveries (the CTE `written`) on the notification and the final ones (failed at resolution) in
    // the minute's outcome rollup, widens the scheduled work row of each moment, and returns the ids to send now. The count
    // row is touched even when the page added nothing, while the resolution is open: its updated_at is the progress the
    // stalled sweeper looks for, and a resolution being redone writes only pages of duplicates. A page written after the
    // resolution finished touches nothing.
    private const string CountAddedPage = $"""
        counted AS (
            INSERT INTO delivery_counts AS c ({CountColumns})
            SELECT @notification, @shard, count(*), count(*) FILTER (WHERE status = 'pending'), 0,
                count(*) FILTER (WHERE status = 'failed'), 0, @now, @minute, count(*) FILTER (WHERE status <> 'pending'), 0
            FROM written
            HAVING EXISTS (SELECT FROM resolving)
            ON CONFLICT (notification_id, shard) DO UPDATE SET updated_at = excluded.updated_at,
                targeted = c.targeted + excluded.targeted, pending = c.pending + excluded.pending, failed = c.failed + excluded.failed,
                {RollRateMinute}
            RETURNING 1),
        {RollUpOutcomes},
        scheduled AS (
            INSERT INTO scheduled_work AS w (notification_id, kind, due_at, first_delivery_id, last_delivery_id)
            SELECT @notification, 'send', scheduled_for, min(id), max(id)
            FROM written WHERE status = 'pending' AND scheduled_for IS NOT NULL
            GROUP BY scheduled_for
            ON CONFLICT (notification_id, kind, due_at) DO UPDATE SET
                first_delivery_id = least(w.first_delivery_id, excluded.first_delivery_id),
                last_delivery_id = greatest(w.last_delivery_id, excluded.last_delivery_id))
        SELECT id AS "Value" FROM written WHERE status = 'pending' AND scheduled_for IS NULL
        """;

    // A page is written only while its notification's resolution has not finished and it is not canceled: a second
    // resolver (a resolve item queued again while the first was slow, or redelivered after it finished) adds nothing once
    // the first finished. The notification's row is share-locked for the statement, so FinishResolvingAsync's and
    // CancelNotificationAsync's locks wait for a page being written (its pending deliveries count before completion is
    // decided, and the cancel cancels them), and a page written after either sees the resolution over.
    private const string InsertPage = """
        INSERT INTO deliveries (notification_id, device_id, topic, token, status, error, attempts, updated_at, scheduled_for)
            SELECT @notification, d.device_id, d.topic, d.token, d.status, d.error, 0, @now, d.scheduled_for
            FROM unnest(@device_ids, @topics, @tokens, @statuses, @errors, @scheduled_for) AS d(device_id, topic, token, status, error, scheduled_for)
            WHERE EXISTS (SELECT FROM resolving)
        """;

    private const string Resolving = """
        resolving AS (
            SELECT FROM notifications WHERE id = @notification AND resolved_at IS NULL AND status <> 'canceled' FOR KEY SHARE)
        """;

    private const string AddSql = $"""
        WITH {Resolving},
        written AS (
            {InsertPage}
            RETURNING id, status, error, scheduled_for),
        {CountAddedPage}
        """;

    // The deliveries written before are skipped: the unique indexes on device and on topic per notification are the arbiters.
    private const string AddAgainSql = $"""
        WITH {Resolving},
        written AS (
            {InsertPage}
            ON CONFLICT DO NOTHING
            RETURNING id, status, error, scheduled_for),
        {CountAddedPage}
        """;

    // Ends a resolution under an exclusive lock of the notification's row, which waits for pages being written (above).
    // FOR UPDATE, not the plain UPDATE's weaker lock: only a lock that conflicts with FOR KEY SHARE makes a page statement
    // that started before this one committed wait for it and check resolved_at again on the row as it then is; with
    // the weaker lock it would share-lock the row it saw and write its page after the resolution finished.
    private const string FinishResolvingSql = """
        WITH resolving AS (
            SELECT id FROM notifications WHERE id = @notification AND resolved_at IS NULL FOR UPDATE)
        UPDATE notifications n SET resolved_at = @now, updated_at = @now
        FROM resolving WHERE n.id = resolving.id
        """;

    // Cancels under the same exclusive lock as FinishResolvingSql, for the same reason: a page statement of a resolver
    // that saw the notification before the cancel must either commit first (its deliveries are then canceled after this)
    // or see it canceled and write nothing; a local-time page would otherwise stay pending until its moment.
    private const string CancelNotificationSql = """
        WITH cancelable AS (
            SELECT id FROM notifications WHERE id = @notification AND status IN ('scheduled', 'queued', 'sending') FOR UPDATE)
        UPDATE notifications n SET status = 'canceled', completed_at = @now, updated_at = @now
        FROM cancelable WHERE n.id = cancelable.id
        """;

    private const string RecordSql = $"""
        WITH written AS (
            UPDATE deliveries d
            SET status = r.status, fcm_message_id = r.message_id, attempts = d.attempts + r.attempts, updated_at = @now,
                error = CASE WHEN r.status = 'pending' THEN coalesce(r.error, d.error) ELSE r.error END,
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

    // Cancels a page of a notification's pending deliveries that no sender holds, or that @lease holds; counted like
    // any final outcome. Returns the page's last id (the keyset of the next page), null when no pending one was left.
    private const string CancelSql = $"""
        WITH page AS (
            SELECT id FROM deliveries
            WHERE notification_id = @notification AND id > @after AND id <= @last AND status = 'pending'
            ORDER BY id
            LIMIT @size),
        written AS (
            UPDATE deliveries d SET status = 'canceled', updated_at = @now, lease_id = NULL, lease_expires_at = NULL
            FROM page
            WHERE d.id = page.id AND d.status = 'pending'
                AND (d.lease_expires_at IS NULL OR d.lease_expires_at < now() OR d.lease_id = @lease)
            RETURNING d.status, d.error),
        counted AS (
            INSERT INTO delivery_counts AS c ({CountColumns}, canceled)
            SELECT @notification, @shard, 0, -count(*), 0, 0, 0, @now, @minute, count(*), 0, count(*)
            FROM written
            ON CONFLICT (notification_id, shard) DO UPDATE SET updated_at = excluded.updated_at,
                pending = c.pending + excluded.pending, canceled = c.canceled + excluded.canceled,
                {RollRateMinute}
            RETURNING 1),
        {RollUpOutcomes}
        SELECT max(id) AS "Value" FROM page
        """;

    // Inserts a page of deliveries, counts the new ones on the notification and the final ones (failed at resolution) in
    // the minute's outcome rollup in the same statement, and returns the ids of the new pending ones to send now. Pending
    // ones with a moment (local time) get no send item: the statement widens the scheduled work row of their moment
    // instead. A page inserts nothing twice. While none of the resolution's deliveries can exist yet it is a plain insert:
    // ON CONFLICT's speculative insertion costs every row a lock and a second WAL record. A plain insert that meets a
    // delivery another resolver of the notification wrote fails as a whole, and it and the rest of the resolution's pages
    // are written with ON CONFLICT DO NOTHING (a NOT EXISTS instead once cost a JIT-compiled plan per page).
    public async Task<List<long>> AddAsync(
        Guid notificationId, IReadOnlyList<NewDelivery> deliveries, ResolutionPages pages, CancellationToken cancellationToken)
    {
        if (!pages.MayExist)
        {
            try
            {
                return await WritePageAsync(AddSql, notificationId, deliveries, cancellationToken);
            }
            catch (PostgresException exception)
                when (exception.SqlState == PostgresErrorCodes.UniqueViolation && exception.TableName == "deliveries")
            {
                pages.MetWrittenPage();
            }
        }

        return await WritePageAsync(AddAgainSql, notificationId, deliveries, cancellationToken);
    }

    // Whether any delivery of the notification was written: a resolver that finds some is redoing the resolution.
    public Task<bool> AnyWrittenAsync(Guid notificationId, CancellationToken cancellationToken) =>
        db.Deliveries.AnyAsync(d => d.NotificationId == notificationId, cancellationToken);

    private Task<List<long>> WritePageAsync(
        string sql, Guid notificationId, IReadOnlyList<NewDelivery> deliveries, CancellationToken cancellationToken) =>
        db.Database.SqlQueryRaw<long>(
            sql,
            [
                new NpgsqlParameter("notification", notificationId),
                CountShard(),
                .. Clock(),
                TextArray("device_ids", deliveries.Select(d => d.DeviceId)),
                TextArray("topics", deliveries.Select(d => d.Topic)),
                TextArray("tokens", deliveries.Select(d => d.Token)),
                TextArray("statuses", deliveries.Select(d => d.Status)),
                TextArray("errors", deliveries.Select(d => d.Error)),
                new NpgsqlParameter("scheduled_for", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
                {
                    Value = deliveries.Select(d => d.ScheduledFor is { } moment ? (object)moment : DBNull.Value).ToArray(),
                },
            ])
            .ToListAsync(cancellationToken);

    // Leases the next page of pending deliveries in (afterId, lastId] that nobody holds (no lease, or one that ran out)
    // to leaseId for leaseDuration: a delivery is sent by one sender at a time. Deliveries another sender holds, and
    // local-time ones scheduled after dueBy, are passed over; the caller learns of held ones from AnyPendingAsync.
    // Lease times are the database's clock, not a replica's; moments are compared with dueBy (WorkItem.DueBy).
    // The page is not locked first (FOR UPDATE SKIP LOCKED): that wrote every row twice, a lock and then the lease. A row
    // that another statement leases or records at the same moment is waited for, and the conditions on d are checked
    // again on what that statement wrote (READ COMMITTED), so it is passed over, never held twice.
    public async Task<List<PendingDelivery>> LeasePendingAsync(
        Guid notificationId, long afterId, long lastId, DateTime dueBy, int size, Guid leaseId, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        var page = await db.Database.SqlQueryRaw<PendingDelivery>(
            """
            WITH page AS (
                SELECT id FROM deliveries
                WHERE notification_id = @notification AND id > @after AND id <= @last AND status = 'pending'
                    AND (lease_expires_at IS NULL OR lease_expires_at < now()) AND (scheduled_for IS NULL OR scheduled_for <= @due_by)
                ORDER BY id
                LIMIT @size)
            UPDATE deliveries d SET lease_id = @lease, lease_expires_at = now() + @duration
            FROM page
            WHERE d.id = page.id AND d.status = 'pending' AND (d.lease_expires_at IS NULL OR d.lease_expires_at < now())
            RETURNING d.id AS "Id", d.device_id AS "DeviceId", d.topic AS "Topic", d.token AS "Token", d.scheduled_for AS "ScheduledFor", d.attempts AS "Attempts"
            """,
            new NpgsqlParameter("notification", notificationId),
            new NpgsqlParameter("due_by", dueBy),
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
    // sender holds one of them: this lease ran out and was taken over, so its holder must stop sending. Two statements:
    // a renewal that waited for another sender taking rows over skips them, and only a statement begun after that
    // sender committed sees who holds them now.
    public async Task<bool> RenewLeaseAsync(Guid leaseId, long[] deliveryIds, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        await RenewWholeLeaseAsync(leaseId, deliveryIds, leaseDuration, cancellationToken);
        var takenOver = await db.Database.SqlQueryRaw<int>(
            """
            SELECT count(*)::int AS "Value" FROM deliveries
            WHERE id = ANY(@ids) AND status = 'pending' AND lease_id IS DISTINCT FROM @lease AND lease_expires_at > now()
            """,
            new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = deliveryIds },
            new NpgsqlParameter("lease", leaseId))
            .SingleAsync(cancellationToken);
        return takenOver == 0;
    }

    // Extends a lease over all of deliveryIds; false when any of them is no longer pending under it (taken over, or
    // ended by another sender since).
    public async Task<bool> RenewWholeLeaseAsync(Guid leaseId, long[] deliveryIds, TimeSpan leaseDuration, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlRawAsync(
            "UPDATE deliveries SET lease_expires_at = now() + @duration WHERE id = ANY(@ids) AND lease_id = @lease AND status = 'pending'",
            [
                new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = deliveryIds },
                new NpgsqlParameter("lease", leaseId),
                new NpgsqlParameter("duration", leaseDuration),
            ],
            cancellationToken) == deliveryIds.Length;

    // Lets go of what a sender leased and did not send (it is stopping, or its lease was lost).
    public Task ReleaseLeaseAsync(Guid leaseId, long[] deliveryIds, CancellationToken cancellationToken) =>
        db.Deliveries
            .Where(d => deliveryIds.Contains(d.Id) && d.LeaseId == leaseId && d.Status == DeliveryStatus.Pending)
            .ExecuteUpdateAsync(d => d.SetProperty(x => x.LeaseId, (Guid?)null).SetProperty(x => x.LeaseExpiresAt, (DateTime?)null), cancellationToken);

    // Whether any delivery of the range is still pending and due by dueBy: left for a later pass, or held by another
    // sender. Local-time deliveries scheduled after it belong to the send item of their moment.
    public Task<bool> AnyPendingAsync(Guid notificationId, long firstId, long lastId, DateTime dueBy, CancellationToken cancellationToken) =>
        db.Deliveries.AnyAsync(
            d => d.NotificationId == notificationId && d.Id >= firstId && d.Id <= lastId && d.Status == DeliveryStatus.Pending
                && (d.ScheduledFor == null || d.ScheduledFor <= dueBy),
            cancellationToken);

    public Task<bool> IsCanceledAsync(Guid notificationId, CancellationToken cancellationToken) =>
        db.Notifications.AnyAsync(n => n.Id == notificationId && n.Status == NotificationStatus.Canceled, cancellationToken);

    // Whether a resolver should stop: the notification was canceled, or another resolver finished its resolution (a
    // page written now would add nothing).
    public Task<bool> ResolutionIsOverAsync(Guid notificationId, CancellationToken cancellationToken) =>
        db.Notifications.AnyAsync(n => n.Id == notificationId && (n.Status == NotificationStatus.Canceled || n.ResolvedAt != null), cancellationToken);

    // Cancels every pending delivery of a notification in [firstId, lastId] that no other sender holds, a batch per statement.
    public async Task CancelAllPendingAsync(Guid notificationId, Guid? leaseId, long firstId, long lastId, CancellationToken cancellationToken)
    {
        for (long? afterId = firstId - 1; afterId is { } after;)
        {
            afterId = await CancelPendingAsync(notificationId, leaseId, after, lastId, cancellationToken);
        }
    }

    // Cancels up to CancelBatchSize pending deliveries of a notification in (afterId, lastId] that no sender holds, or that leaseId
    // holds (its holder saw the cancel before handing them to FCM), and moves the counts in the same statement. Returns
    // the last id it canceled, or null when none was left. A delivery another sender holds is being handed to FCM and
    // keeps its real outcome.
    private async Task<long?> CancelPendingAsync(Guid notificationId, Guid? leaseId, long afterId, long lastId, CancellationToken cancellationToken)
    {
        var last = await db.Database.SqlQueryRaw<long?>(
            CancelSql,
            [
                new NpgsqlParameter("notification", notificationId),
                new NpgsqlParameter("lease", NpgsqlDbType.Uuid) { Value = (object?)leaseId ?? DBNull.Value },
                new NpgsqlParameter("after", afterId),
                new NpgsqlParameter("last", lastId),
                new NpgsqlParameter("size", CancelBatchSize),
                CountShard(),
                .. Clock(),
            ])
            .ToListAsync(cancellationToken);
        return last.Single();
    }

    // A sender working on a notification keeps it from looking stalled.
    public Task TouchAsync(Guid notificationId, CancellationToken cancellationToken) =>
        db.Notifications.Where(n => n.Id == notificationId)
            .ExecuteUpdateAsync(n => n.SetProperty(x => x.UpdatedAt, time.GetUtcNow().UtcDateTime), cancellationToken);

    // Records send results of deliveries still pending (a redelivered range records nothing twice), ends their lease (one
    // left pending may be taken by the next pass at once), and moves the notification's counts and the minute's outcome
    // rollup by the rows that changed, in the same statement. A final outcome is recorded whoever holds the delivery now (FCM answered it); one left
    // pending only while leaseId still holds it, so that it never ends another sender's lease. One left pending with no
    // error of its own (held back, or stopped, before its first try of the pass) keeps the error recorded before.
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

    // A localTime notification stays scheduled until the send items of its last moment are queued.
    public Task StartSendingWhenAllDueAsync(Guid notificationId, CancellationToken cancellationToken) =>
        db.Notifications
            .Where(n => n.Id == notificationId && n.Status == NotificationStatus.Scheduled && n.ResolvedAt != null
                && !db.ScheduledWork.Any(w => w.NotificationId == notificationId))
            .ExecuteUpdateAsync(n => n
                .SetProperty(x => x.Status, NotificationStatus.Sending)
                .SetProperty(x => x.UpdatedAt, time.GetUtcNow().UtcDateTime), cancellationToken);

    public Task StartSendingAsync(Guid notificationId, CancellationToken cancellationToken) =>
        db.Notifications.Where(n => n.Id == notificationId && n.Status == NotificationStatus.Queued)
            .ExecuteUpdateAsync(n => n
                .SetProperty(x => x.Status, NotificationStatus.Sending)
                .SetProperty(x => x.UpdatedAt, time.GetUtcNow().UtcDateTime), cancellationToken);

    public Task CancelNotificationAsync(Guid notificationId, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlRawAsync(CancelNotificationSql,
            [new NpgsqlParameter("notification", notificationId), new NpgsqlParameter("now", time.GetUtcNow().UtcDateTime)], cancellationToken);

    // Resolution is done: a notification without any delivery failed (failureReason says why); otherwise it completes
    // once nothing is pending.
    public async Task FinishResolvingAsync(Guid notificationId, string failureReason, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await db.Database.ExecuteSqlRawAsync(
            FinishResolvingSql, [new NpgsqlParameter("notification", notificationId), new NpgsqlParameter("now", now)], cancellationToken);
        await db.Notifications
            .Where(n => n.Id == notificationId
                && (n.Status == NotificationStatus.Scheduled || n.Status == NotificationStatus.Queued || n.Status == NotificationStatus.Sending)
                && db.DeliveryCounts.Where(c => c.NotificationId == notificationId).Sum(c => c.Targeted) == 0)
            .ExecuteUpdateAsync(n => n
                .SetProperty(x => x.Status, NotificationStatus.Failed)
                .SetProperty(x => x.FailureReason, failureReason)
                .SetProperty(x => x.CompletedAt, now), cancellationToken);
        await StartSendingWhenAllDueAsync(notificationId, cancellationToken);
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
