using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.RateLimiting;

namespace Pushboard.ServiceDefaults.ApiKeys;

public sealed class RateLimitingOptions
{
    public const string Section = "RateLimiting";

    // Requests per second per API key (a token bucket that can burst one second's worth).
    public int PermitsPerSecond { get; set; } = 50_000;

    // Requests per second per client address for calls without a valid key.
    public int AnonymousPermitsPerSecond { get; set; } = 100;
}

public static class ApiKeyRateLimiting
{
    // Runs after authentication: a caller with a valid key is limited per key, anyone else per address.
    public static IServiceCollection AddApiKeyRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(RateLimitingOptions.Section).Get<RateLimitingOptions>() ?? new RateLimitingOptions();
        return services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var role = context.User.FindFirstValue(ClaimTypes.Role);
                return role is not null
                    ? TokenBucket("key:" + role, options.PermitsPerSecond)
                    : TokenBucket("address:" + context.Connection.RemoteIpAddress, options.AnonymousPermitsPerSecond);
            });
            limiter.OnRejected = WriteRejectionAsync;
        });
    }

    private static RateLimitPartition<string> TokenBucket(string partition, int permitsPerSecond) =>
        RateLimitPartition.GetTokenBucketLimiter(partition, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = permitsPerSecond,
            TokensPerPeriod = Math.Max(1, permitsPerSecond / 10),
            ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
            QueueLimit = 0,
            AutoReplenishment = true,
        });

    private static async ValueTask WriteRejectionAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        var context = rejected.HttpContext;
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = $"The rate limit of this API key is exhausted; retry after {seconds} s.",
            },
        });
    }
}
