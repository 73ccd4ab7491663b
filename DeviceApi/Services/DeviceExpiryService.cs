using Microsoft.Extensions.Options;
using Pushboard.DeviceApi.Model;
using Pushboard.ServiceDefaults;

namespace Pushboard.DeviceApi.Services;

// Runs DeviceExpiry (expire, then delete the invalid devices unseen for long and the old daily rollups) every DeviceExpiry:Interval.
public sealed partial class DeviceExpiryService(
    IServiceScopeFactory scopes,
    TimeProvider timeProvider,
    IOptions<DeviceExpiryOptions> options,
    ILogger<DeviceExpiryService> logger) : PeriodicJob(timeProvider, logger)
{
    protected override TimeSpan Interval => options.Value.Interval;

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var expiry = scope.ServiceProvider.GetRequiredService<DeviceExpiry>();
        var expired = await expiry.ExpireInactiveAsync(cancellationToken);
        if (expired > 0)
        {
            LogExpired(expired, TokenLifetime.ExpiredAfter.TotalDays);
        }

        var deleted = await expiry.DeleteExpiredAsync(cancellationToken);
        if (deleted > 0)
        {
            LogDeleted(deleted);
        }

        await expiry.DeleteOldDaysAsync(cancellationToken);
    }

    [LoggerMessage(LogLevel.Information, "Marked {Count} devices not seen for {Days} days invalid (expired)")]
    private partial void LogExpired(int count, double days);

    [LoggerMessage(LogLevel.Information, "Deleted {Count} invalid devices not seen for 270 days plus Retention:ExpiredDevices")]
    private partial void LogDeleted(int count);
}
