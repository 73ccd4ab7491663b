using Microsoft.EntityFrameworkCore;
using Npgsql;
using Pushboard.DeviceApi.Model;

namespace Pushboard.DeviceApi.Infrastructure;

// Adds to the daily rollup (DeviceDayCount) of the UTC day of a timestamp. One statement with the device write, or in
// its transaction: the rollup row is the last row such a statement locks, so it never waits on a device row while
// holding a rollup row.
internal static class DeviceDays
{
    // A CTE over the CTE `written` of the statement it is part of: the expressions count from it, and the day is that of
    // `at` (a parameter of the statement). Nothing is written when nothing happened (a refresh to the same token).
    public static string CountCte(string at, string registrations, string refreshes, string invalidations) => $"""
        counted AS (
            INSERT INTO device_daily_counts AS c (day, shard, registrations, token_refreshes, invalidations)
            SELECT ({at} AT TIME ZONE 'UTC')::date, floor(random() * {DeviceDayCount.Shards})::smallint, n.registrations, n.refreshes, n.invalidations
            FROM (SELECT ({registrations})::int AS registrations, ({refreshes})::int AS refreshes, ({invalidations})::int AS invalidations
                  FROM written) n
            WHERE n.registrations + n.refreshes + n.invalidations > 0
            {OnConflict})
        """;

    // Runs `invalidate` (devices made invalid at `at`; returns how many) and counts them in the day's rollup, in one
    // transaction (retried whole by the context's execution strategy).
    public static Task<int> InvalidateAsync(
        DevicesDbContext db, DateTime at, Func<CancellationToken, Task<int>> invalidate, CancellationToken cancellationToken) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(async cancel =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancel);
            var count = await invalidate(cancel);
            if (count > 0)
            {
                await db.Database.ExecuteSqlRawAsync(AddInvalidationsSql, [new NpgsqlParameter<DateTime>("at", at), new NpgsqlParameter<int>("count", count)], cancel);
            }

            await transaction.CommitAsync(cancel);
            return count;
        }, cancellationToken);

    private static readonly string AddInvalidationsSql = $"""
        INSERT INTO device_daily_counts AS c (day, shard, registrations, token_refreshes, invalidations)
        VALUES ((@at AT TIME ZONE 'UTC')::date, floor(random() * {DeviceDayCount.Shards})::smallint, 0, 0, @count)
        {OnConflict}
        """;

    private const string OnConflict = """
        ON CONFLICT (day, shard) DO UPDATE SET registrations = c.registrations + excluded.registrations,
            token_refreshes = c.token_refreshes + excluded.token_refreshes, invalidations = c.invalidations + excluded.invalidations
        """;
}
