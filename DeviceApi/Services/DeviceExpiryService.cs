using Microsoft.Extensions.Options;
using Pushboard.DeviceApi.Model;

namespace Pushboard.DeviceApi.Services;

// Runs DeviceExpiry (expire, then delete what expired long ago) when the service starts and then every DeviceExpiry:Interval.
public sealed partial class DeviceExpiryService(
    IServiceScopeFactory scopes,
    TimeProvider timeProvider,
    IOptions<DeviceExpiryOptions> options,
    ILogger<DeviceExpiryService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, timeProvider);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var expiry = scope.ServiceProvider.GetRequiredService<DeviceExpiry>();
                var expired = await expiry.ExpireInactiveAsync(stoppingToken);
                if (expired > 0)
                {
                    LogExpired(logger, expired, TokenLifetime.ExpiredAfter.TotalDays);
                }

                var deleted = await expiry.DeleteExpiredAsync(stoppingToken);
                if (deleted > 0)
                {
                    LogDeleted(logger, deleted);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(LogLevel.Information, "Marked {Count} devices not seen for {Days} days invalid (expired)")]
    private static partial void LogExpired(ILogger logger, int count, double days);

    [LoggerMessage(LogLevel.Information, "Deleted {Count} devices that expired longer ago than Retention:ExpiredDevices")]
    private static partial void LogDeleted(ILogger logger, int count);

    [LoggerMessage(LogLevel.Error, "Expiring inactive devices failed; retrying at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
