namespace Pushboard.Contracts.Stats;

// GET /api/devices/stats (DeviceApi, admin): the registry now, and its daily activity over the last 30 days (oldest
// first, every day present) from the daily rollup written with each event.
public sealed record DeviceStats(
    DateTime AsOf,
    IReadOnlyDictionary<string, long> ByPlatform,
    IReadOnlyDictionary<string, long> ByStatus,
    IReadOnlyList<DeviceDay> Daily);

public sealed record DeviceDay(DateOnly Day, long Registrations, long TokenRefreshes, long Invalidations);
