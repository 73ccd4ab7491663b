using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Pushboard.DeviceApi.Infrastructure;
using Pushboard.ServiceDefaults;
using Pushboard.ServiceDefaults.ApiKeys;

namespace Pushboard.DeviceApi.Identity;

// API.md limits the app key's creations per client address: every new device id brings a fresh device bucket, so
// creations are bounded where the caller is. Whether a PUT creates is known after its write, which takes one creation
// of the address then; re-registrations take none. A PUT goes on while its address has creations left, and only once
// none are left reads whether the device exists: a re-registration goes on, a creation answers 429. (Creations racing
// for an address's last one may all go on: the overshoot is bounded by the requests in flight.)
public sealed class DeviceCreationLimit : IDisposable
{
    private readonly PartitionedRateLimiter<string> _creations;
    private readonly TimeSpan _retryAfter;
    private readonly DeviceStore _store;

    public DeviceCreationLimit(DeviceStore store, IOptions<DeviceCreationLimitOptions> options)
    {
        var perMinute = options.Value.AppCreationsPerMinute;
        _creations = PartitionedRateLimiter.Create<string, string>(address => ApiKeyRateLimiting.TokenBucket(address, perMinute, perMinute / 60.0));
        _retryAfter = TimeSpan.FromMinutes(1.0 / perMinute);
        _store = store;
    }

    // Null when the PUT may go on; otherwise the 429 to answer.
    public async Task<TooManyRequestsHttpResult?> RefusalAsync(string deviceId, DeviceAccess access, HttpContext context, CancellationToken cancellationToken) =>
        !access.IsAdmin
        && _creations.GetStatistics(Address(context)) is { CurrentAvailablePermits: <= 0 }
        && await _store.FindAsync(deviceId, cancellationToken) is null
            ? TooManyRequests.Problem(
                $"This client address has created the most devices the app key may create in a minute; retry after {ServiceUnavailable.RetryAfterSeconds(_retryAfter)} s.",
                _retryAfter)
            : null;

    public void Created(DeviceAccess access, HttpContext context)
    {
        if (!access.IsAdmin)
        {
            _creations.AttemptAcquire(Address(context)).Dispose();
        }
    }

    public void Dispose() => _creations.Dispose();

    private static string Address(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "";
}
