namespace Pushboard.NotificationApi.Model;

// Deliveries that reached a final outcome in one minute, by outcome and error code (empty for none): the rollup behind
// GET /api/deliveries/stats, written by the statements that record the outcomes. Each statement adds to the rows of
// one random shard, as DeliveryCount does, so that concurrent senders do not queue on one row per minute.
public sealed class DeliveryOutcomeCount
{
    public const int Shards = DeliveryCount.Shards;

    public DateTime Minute { get; set; }
    public string Outcome { get; set; } = DeliveryStatus.Sent;
    public string Error { get; set; } = "";
    public short Shard { get; set; }
    public int Count { get; set; }

    public static DateTime MinuteOf(DateTimeOffset time) =>
        new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerMinute, DateTimeKind.Utc);
}
