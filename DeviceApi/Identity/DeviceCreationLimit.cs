using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Pushboard.DeviceApi.Infrastructure;
using Pushboard.ServiceDefaults;
using Pushboard.ServiceDefaults.ApiKeys;

namespace Pushboard.DeviceApi.Identity;

// API.md limits the app key's creations per client address: every new device id brings a fresh device bucket, so
// creations are bounded where the caller is. An app-key PUT first reads whether its device exists (one primary-key
// read): a re-registration goes on whatever its address has left (an address behind a carrier's NAT keeps
// re-registering its devices), a creation takes one of its address's creations before it writes, or answers 429. Taking
// it before the write is what keeps PUTs racing for an address's last creations from all creating.
public sealed class DeviceCreationLimit : IDisposable
{
    private readonly PartitionedRateLimiter<string> _creations;
    private readonly TimeSpan _retryAfter;
    private readonly DeviceStore _store;

    public DeviceCreationLimit(DeviceStore store, IOptions<DeviceCreationLimitOptions> options)
    {
        var perMinute = options.Value.AppCreationsPerMinute;
        _creations = PartitionedRateLimiter.Create<string, string>(address => ApiKeyRateLimiting.TokenBucket(address, perMinute, perMinute, TimeSpan.FromMinutes(1)));
        _retryAfter = TimeSpan.FromMinutes(1.0 / perMinute);
        _store = store;
    }

    // Null when the PUT may go on; otherwise the 429 to answer. A creation whose write then fails has still used its
    // creation, and a device deleted between the read and the write is created again without one: both are rare and
    // err on the side the caller can see.
    public async Task<TooManyRequestsHttpResult?> RefusalAsync(string deviceId, DeviceAccess access, HttpContext context, CancellationToken cancellationToken)
    {
        if (access.IsAdmin || await _store.ExistsAsync(deviceId, cancellationToken))
        {
            return null;
        }

        using var creation = _creations.AttemptAcquire(Address(context));
        return creation.IsAcquired
            ? null
            : TooManyRequests.Problem(
                $"This client address has created the most devices the app key may create in a minute; retry after {ServiceUnavailable.RetryAfterSeconds(_retryAfter)} s.",
                _retryAfter);
    }

    public void Dispose() => _creations.Dispose();

    private static string Address(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "";
}
