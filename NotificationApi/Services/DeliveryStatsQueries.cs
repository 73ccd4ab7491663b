using Microsoft.EntityFrameworkCore;
using Npgsql;
using Pushboard.Contracts.Stats;
using Pushboard.NotificationApi.Infrastructure;
using Pushboard.NotificationApi.Model;

namespace Pushboard.NotificationApi.Services;

// The reads behind GET /api/deliveries/stats and GET /api/notifications/active: sums of the rollups that the delivery
// statements write (delivery_outcomes, delivery_counts), never a scan of the deliveries.
public sealed class DeliveryStatsQueries(NotificationsDbContext db, TimeProvider time)
{
    public const int TopErrors = 5;
    public const int MaxActive = 20;

    // Buckets are aligned to multiples of their width; the last one holds the current minute.
    public async Task<DeliveryStats> OutcomesAsync(string window, TimeSpan length, TimeSpan bucket, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var to = new DateTime(now.Ticks - now.Ticks % bucket.Ticks, DateTimeKind.Utc) + bucket;
        var from = to - length;
        var rows = await db.Database.SqlQueryRaw<OutcomeRow>(
            """
            SELECT date_bin(@bucket, minute, @from) AS "At", outcome AS "Outcome", error AS "Error", sum(count)::bigint AS "Count"
            FROM delivery_outcomes
            WHERE minute >= @from AND minute < @to
            GROUP BY 1, 2, 3
            """,
            new NpgsqlParameter("bucket", bucket),
            new NpgsqlParameter("from", from),
            new NpgsqlParameter("to", to))
            .ToListAsync(cancellationToken);

        var buckets = (int)(length / bucket);
        var series = new OutcomeTally[buckets];
        for (var i = 0; i < buckets; i++)
        {
            series[i] = new OutcomeTally();
        }

        var totals = new OutcomeTally();
        var errors = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            series[(int)((row.At - from) / bucket)].Add(row.Outcome, row.Count);
            totals.Add(row.Outcome, row.Count);
            if (row.Error.Length > 0)
            {
                errors[row.Error] = errors.GetValueOrDefault(row.Error) + row.Count;
            }
        }

        var final = totals.Sent + totals.Failed + totals.InvalidToken + totals.Canceled;
        return new DeliveryStats(
            window,
            (int)bucket.TotalSeconds,
            from,
            to,
            new OutcomeCounts(totals.Sent, totals.Failed, totals.InvalidToken, totals.Canceled),
            final == 0 ? 0 : (double)totals.Failed / final,
            final == 0 ? 0 : (double)totals.InvalidToken / final,
            [.. series.Select((tally, i) => new OutcomeBucket(from + bucket * i, tally.Sent, tally.Failed, tally.InvalidToken, tally.Canceled))],
            [.. errors.OrderByDescending(e => e.Value).ThenBy(e => e.Key, StringComparer.Ordinal).Take(TopErrors)
                .Select(e => new ErrorCount(e.Key, e.Value))]);
    }

    // The newest MaxActive notifications in progress with the sums of their count shards. The rate over the last
    // minute is a sliding-window estimate from the shards' per-minute counts (DeliveryCount.RateMinute): all of the
    // current minute, and the share of the minute before that still lies within the last 60 s.
    public async Task<List<ActiveNotification>> ActiveAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var minute = DeliveryOutcomeCount.MinuteOf(now);
        var rows = await db.Database.SqlQueryRaw<ActiveRow>(
            """
            SELECT n.id AS "Id", n.status AS "Status", n.created_at AS "CreatedAt",
                coalesce(sum(c.targeted), 0)::bigint AS "Targeted",
                coalesce(sum(c.sent + c.failed + c.invalid_token), 0)::bigint AS "Final",
                coalesce(sum(CASE WHEN c.rate_minute = @minute THEN c.final_this_minute ELSE 0 END), 0)::bigint AS "ThisMinute",
                coalesce(sum(CASE WHEN c.rate_minute = @minute THEN c.final_last_minute
                    WHEN c.rate_minute = @minute - interval '1 minute' THEN c.final_this_minute ELSE 0 END), 0)::bigint AS "LastMinute"
            FROM (SELECT id, status, created_at FROM notifications
                  WHERE status = @sending ORDER BY created_at DESC LIMIT @limit) n
            LEFT JOIN delivery_counts c ON c.notification_id = n.id
            GROUP BY n.id, n.status, n.created_at
            ORDER BY n.created_at DESC
            """,
            new NpgsqlParameter("minute", minute),
            new NpgsqlParameter("sending", NotificationStatus.Sending),
            new NpgsqlParameter("limit", MaxActive))
            .ToListAsync(cancellationToken);

        var intoMinute = (now.UtcDateTime - minute) / TimeSpan.FromMinutes(1);
        return [.. rows.Select(row => new ActiveNotification(
            row.Id, row.Status, row.CreatedAt, row.Targeted, row.Final,
            (row.ThisMinute + row.LastMinute * (1 - intoMinute)) / 60))];
    }

    private sealed record OutcomeRow(DateTime At, string Outcome, string Error, long Count);

    private sealed record ActiveRow(Guid Id, string Status, DateTime CreatedAt, long Targeted, long Final, long ThisMinute, long LastMinute);

    private sealed class OutcomeTally
    {
        public long Sent { get; private set; }
        public long Failed { get; private set; }
        public long InvalidToken { get; private set; }
        public long Canceled { get; private set; }

        public void Add(string outcome, long count)
        {
            switch (outcome)
            {
                case DeliveryStatus.Sent: Sent += count; break;
                case DeliveryStatus.Failed: Failed += count; break;
                case DeliveryStatus.InvalidToken: InvalidToken += count; break;
                case DeliveryStatus.Canceled: Canceled += count; break;
            }
        }
    }
}
