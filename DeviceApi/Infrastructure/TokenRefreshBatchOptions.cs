namespace Pushboard.DeviceApi.Infrastructure;

public sealed class TokenRefreshBatchOptions
{
    public const string Section = "TokenRefreshBatches";

    // Batches written side by side. Each batch is one connection and one transaction.
    public int Writers { get; set; } = 2;

    public int MaxSize { get; set; } = 64;

    // The longest a batch waits for one lock before it gives up and its refreshes run alone.
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromMilliseconds(50);

    // Refreshes waiting for a writer; one more is answered 503. 4,096 is under half a second of the refreshes this
    // machine writes at full load (10,800/s): a longer queue only means the database has fallen behind, and a client
    // told to come back does better than one left waiting for seconds. A waiting refresh holds a few hundred bytes.
    public int Capacity { get; set; } = 4_096;

    // What a refused refresh is told to wait: the queue drains in well under a second once the database keeps up.
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);
}
