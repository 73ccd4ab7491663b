namespace Pushboard.DeviceApi.Model;

// What happened to the registry on one UTC day: the daily rollup behind GET /api/devices/stats, written by the
// statements (or in the transactions) that register, refresh and invalidate devices. Each statement adds to one random
// shard, so that the refresh batches and PUTs writing side by side do not queue on one row per day.
public sealed class DeviceDayCount
{
    public const int Shards = 8;

    public DateOnly Day { get; set; }
    public short Shard { get; set; }
    public int Registrations { get; set; }
    public int TokenRefreshes { get; set; }
    public int Invalidations { get; set; }
}
