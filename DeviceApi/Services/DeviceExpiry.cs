using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pushboard.DeviceApi.Infrastructure;
using Pushboard.DeviceApi.Model;

namespace Pushboard.DeviceApi.Services;

// Marks active devices not seen for 270 days invalid (`expired`); they keep their token for inspection.
public sealed class DeviceExpiry(DevicesDbContext db, TimeProvider timeProvider)
{
    public Task<int> ExpireInactiveAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        var cutoff = now - TokenLifetime.ExpiredAfter;
        return db.Devices
            .Where(device => device.Status == DeviceStatuses.Active && device.LastSeenAt < cutoff)
            .ExecuteUpdateAsync(
                update => update
                    .SetProperty(device => device.Status, DeviceStatuses.Invalid)
                    .SetProperty(device => device.InvalidReason, InvalidReasons.Expired)
                    .SetProperty(device => device.UpdatedAt, now),
                cancellationToken);
    }
}

public sealed class DeviceExpiryOptions
{
    public const string Section = "DeviceExpiry";

    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);
}

// Runs DeviceExpiry when the service starts and then every DeviceExpiry:Interval.
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
                var expired = await scope.ServiceProvider.GetRequiredService<DeviceExpiry>().ExpireInactiveAsync(stoppingToken);
                if (expired > 0)
                {
                    LogExpired(logger, expired);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(LogLevel.Information, "Marked {Count} devices not seen for 270 days invalid (expired)")]
    private static partial void LogExpired(ILogger logger, int count);

    [LoggerMessage(LogLevel.Error, "Expiring inactive devices failed; retrying at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
