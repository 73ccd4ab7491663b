namespace Pushboard.DeviceApi.Infrastructure;

public sealed class TokenRefreshBatchOptions
{
    public const string Section = "TokenRefreshBatches";

    // Batches written side by side. Each batch is one connection and one transaction.
    public int Writers { get; set; } = 2;

    public int MaxSize { get; set; } = 64;

    // The longest a batch waits for one lock before it gives up and its refreshes run alone.
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromMilliseconds(50);
}
