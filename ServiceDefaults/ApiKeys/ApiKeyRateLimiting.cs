using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Pushboard.Contracts;
using Pushboard.ServiceDefaults;

namespace Pushboard.ServiceDefaults.ApiKeys;

public static class ApiKeyRateLimiting
{
    private const string DeviceIdRouteValue = "deviceId";
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);

    // Runs after authentication and routing: the admin key is limited per listed key, the app key per device id (its
    // creations per client address: DeviceApi's DeviceCreationLimit); anyone else per client address. The address is
    // the one Kestrel saw, or the one a known proxy forwarded (ForwardedHeaders options).
    public static IServiceCollection AddApiKeyRateLimiting(this IServiceCollection services)
    {
        // A limit of 0 would fail every call at its first use of the limiter, while /health stays green.
        services.AddOptions<RateLimitingOptions>().BindConfiguration(RateLimitingOptions.Section)
            .Positive("RateLimiting:PermitsPerSecond", limits => limits.PermitsPerSecond)
            .Positive("RateLimiting:DevicePermitsPerSecond", limits => limits.DevicePermitsPerSecond)
            .Positive("RateLimiting:DeviceBurst", limits => limits.DeviceBurst)
            .Positive("RateLimiting:AnonymousPermitsPerSecond", limits => limits.AnonymousPermitsPerSecond)
            .ValidateOnStart();
        services.AddRateLimiter(limiter => limiter.OnRejected = WriteRejectionAsync);
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitingOptions>>((limiter, limits) =>
        {
            var options = limits.Value;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => CallerPartition(context, options));
        });
        return services;
    }

    private static RateLimitPartition<string> CallerPartition(HttpContext context, RateLimitingOptions options)
    {
        var user = context.User;
        if (user.IsInRole(ApiKeyRoles.Admin))
        {
            return TokenBucket("key:" + user.FindFirstValue(ApiKeyClaims.KeyId), options.PermitsPerSecond, options.PermitsPerSecond, OneSecond);
        }

        // Only a device id has a bucket of its own: anything else in its place (a 400 a moment later) would be a bucket
        // keyed by up to 8 KB of the caller's choosing, as many as it sends.
        if (user.IsInRole(ApiKeyRoles.App) && context.GetRouteValue(DeviceIdRouteValue) is string deviceId && ApiPatterns.DeviceId().IsMatch(deviceId))
        {
            return TokenBucket("device:" + deviceId, options.DeviceBurst, options.DevicePermitsPerSecond, OneSecond);
        }

        return TokenBucket("address:" + context.Connection.RemoteIpAddress, options.AnonymousPermitsPerSecond, options.AnonymousPermitsPerSecond, OneSecond);
    }

    // The partitioned limiter replenishes its buckets on one timer of its own (every 100 ms), rather than a timer for
    // each device id's bucket, and each replenishment adds what the time since the last one earned: the bucket refills
    // smoothly at exactly tokens per period. The framework's bucket does not count time while it is full, so a bucket
    // emptied after a pause refills whole at the next tick: up to twice its limit at once (docs/deviceapi.md).
    public static RateLimitPartition<string> TokenBucket(string partition, int tokenLimit, int tokens, TimeSpan per) =>
        RateLimitPartition.GetTokenBucketLimiter(partition, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = tokenLimit,
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = per,
            QueueLimit = 0,
            AutoReplenishment = false,
        });

    private static async ValueTask WriteRejectionAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        await TooManyRequests.TryWriteAsync(rejected.HttpContext,
            $"The rate limit of this API key, device or client address is exhausted; retry after {ServiceUnavailable.RetryAfterSeconds(retryAfter)} s.", retryAfter);
    }
}
