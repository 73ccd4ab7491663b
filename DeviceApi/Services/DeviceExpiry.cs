using Microsoft.EntityFrameworkCore;
using Pushboard.DeviceApi.Infrastructure;
using Pushboard.DeviceApi.Model;

namespace Pushboard.DeviceApi.Services;

// Marks active devices not seen for 270 days invalid (`expired`); they keep their token for inspection.
public sealed class DeviceExpiry(DevicesDbContext db, TimeProvider timeProvider)
{
    public Task<int> ExpireInactiveAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        var cutoff = now - TokenLifetime.ExpiredAfter;
        return db.Devices
            .Where(device => device.Status == DeviceStatuses.Active && device.LastSeenAt < cutoff)
            .ExecuteUpdateAsync(
                update => update
                    .SetProperty(device => device.Status, DeviceStatuses.Invalid)
                    .SetProperty(device => device.InvalidReason, InvalidReasons.Expired)
                    .SetProperty(device => device.UpdatedAt, now),
                cancellationToken);
    }
}
