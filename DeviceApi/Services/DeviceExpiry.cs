using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pushboard.DeviceApi.Infrastructure;
using Pushboard.DeviceApi.Model;

namespace Pushboard.DeviceApi.Services;

// Marks active devices not seen for 270 days invalid (`expired`), and deletes every invalid device (expired, or dead or
// reassigned before) Retention:ExpiredDevices after those 270 days: an invalid device keeps its token for inspection
// until then, and an app that is never opened again leaves no row for good.
public sealed class DeviceExpiry(DevicesDbContext db, TimeProvider timeProvider, IOptions<RetentionOptions> retention, DeviceMetrics metrics)
{
    // Counted in the day's rollup in the same transaction.
    public async Task<int> ExpireInactiveAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        var cutoff = now - TokenLifetime.ExpiredAfter;
        var expired = await DeviceDays.InvalidateAsync(db, now, cancel => db.Devices
            .Where(device => device.Status == DeviceStatuses.Active && device.LastSeenAt < cutoff)
            .ExecuteUpdateAsync(
                update => update
                    .SetProperty(device => device.Status, DeviceStatuses.Invalid)
                    .SetProperty(device => device.InvalidReason, InvalidReasons.Expired)
                    .SetProperty(device => device.UpdatedAt, now),
                cancel), cancellationToken);
        metrics.Invalidated(InvalidReasons.Expired, expired);
        return expired;
    }

    // Deletes the daily rollup rows older than Retention:DeviceStats: one day's shards per day since the last run.
    public Task<int> DeleteOldDaysAsync(CancellationToken cancellationToken)
    {
        var cutoff = DateOnly.FromDateTime((timeProvider.GetUtcNow() - retention.Value.DeviceStats).UtcDateTime);
        return db.DeviceDays.Where(day => day.Day < cutoff).ExecuteDeleteAsync(cancellationToken);
    }

    // Deletes the invalid devices not seen for 270 days plus Retention:ExpiredDevices, a batch per statement; returns how
    // many. Counted from lastSeenAt, which only the app's own calls move: a merge patch by a back end moves updatedAt and
    // must not keep an invalid device for another 90 days.
    public async Task<int> DeleteExpiredAsync(CancellationToken cancellationToken)
    {
        var settings = retention.Value;
        var cutoff = (timeProvider.GetUtcNow() - TokenLifetime.ExpiredAfter - settings.ExpiredDevices).UtcDateTime;
        var deleted = 0;
        int batch;
        do
        {
            var ids = db.Devices
                .Where(device => device.Status == DeviceStatuses.Invalid && device.LastSeenAt < cutoff)
                .Select(device => device.DeviceId)
                .Take(settings.DeleteBatchSize);
            // The conditions again on the row deleted: a device the app registers again while the statement waits for
            // its row is checked as it is then (Postgres re-checks the outer conditions, not the subquery's). A batch
            // shortened so ends this run; the next interval deletes the rest.
            batch = await db.Devices
                .Where(device => ids.Contains(device.DeviceId) && device.Status == DeviceStatuses.Invalid && device.LastSeenAt < cutoff)
                .ExecuteDeleteAsync(cancellationToken);
            deleted += batch;
        }
        while (batch == settings.DeleteBatchSize);

        return deleted;
    }
}
