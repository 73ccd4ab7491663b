namespace Pushboard.NotificationApi.Model;

// A notification's deliveries by status, kept by the statements that write the deliveries (in the same statement).
// The counts are spread over a few shard rows, so that concurrent senders do not queue on one row; a notification's
// counts are the sums over its shards (a shard's pending can go below zero: it is only a share of the sum).
public sealed class DeliveryCount
{
    public const int Shards = 16;

    public Guid NotificationId { get; set; }
    public short Shard { get; set; }
    public int Targeted { get; set; }
    public int Pending { get; set; }
    public int Sent { get; set; }
    public int Failed { get; set; }
    public int InvalidToken { get; set; }
    public int Canceled { get; set; }
    public DateTime UpdatedAt { get; set; }

    // The deliveries of this shard that ended in the minute RateMinute and in the minute before it: the per-second
    // rate of a notification in progress is estimated from them as a sliding window (GET /api/notifications/active).
    public DateTime? RateMinute { get; set; }
    public int FinalThisMinute { get; set; }
    public int FinalLastMinute { get; set; }
}
