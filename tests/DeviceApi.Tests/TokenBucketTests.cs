using System.Diagnostics;
using System.Threading.RateLimiting;
using Pushboard.ServiceDefaults.ApiKeys;

namespace Pushboard.DeviceApi.Tests;

// Before, a bucket was refilled every 100 ms with a rounded tenth of its rate: a limit of 15/s let 20 calls a second
// through, 16/s also 20. The partitioned limiter and its 100-ms replenishing timer are the real ones.
public sealed class TokenBucketTests
{
    private static readonly TimeSpan Measured = TimeSpan.FromSeconds(3);

    [Theory]
    [InlineData(15)]
    [InlineData(16)]
    public async Task A_bucket_lets_through_no_more_than_its_rate_after_its_burst(int permitsPerSecond)
    {
        using var limiter = PartitionedRateLimiter.Create<string, string>(caller =>
            ApiKeyRateLimiting.TokenBucket(caller, permitsPerSecond, permitsPerSecond, TimeSpan.FromSeconds(1)));

        var granted = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Measured)
        {
            using var lease = limiter.AttemptAcquire("caller");
            if (lease.IsAcquired)
            {
                granted++;
            }
            else
            {
                await Task.Delay(5);
            }
        }

        // A slow machine lets fewer through, never more, so only the upper bound is checked: the burst, then the rate.
        var allowed = permitsPerSecond + permitsPerSecond * clock.Elapsed.TotalSeconds;
        Assert.True(granted <= allowed + 1, $"{granted} calls in {clock.Elapsed.TotalSeconds:F1} s at {permitsPerSecond}/s (at most {allowed:F0})");
    }
}
