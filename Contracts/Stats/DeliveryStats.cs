namespace Pushboard.Contracts.Stats;

// GET /api/deliveries/stats?window=1h|24h (NotificationApi, admin): outcomes over the window, from the per-minute
// rollups written with each outcome. Series buckets are oldest first and cover the whole window (empty ones are zeros).
public sealed record DeliveryStats(
    string Window,
    int BucketSeconds,
    DateTime From,
    DateTime To,
    OutcomeCounts Totals,
    double FailureRate,
    double InvalidTokenRate,
    IReadOnlyList<OutcomeBucket> Series,
    IReadOnlyList<ErrorCount> TopErrors);

public sealed record OutcomeCounts(long Sent, long Failed, long InvalidToken, long Canceled);

public sealed record OutcomeBucket(DateTime At, long Sent, long Failed, long InvalidToken, long Canceled);

public sealed record ErrorCount(string Code, long Count);
