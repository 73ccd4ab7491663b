using Microsoft.Extensions.Options;
using Pushboard.ServiceDefaults;

namespace Pushboard.NotificationApi.Services;

// Runs NotificationRetention every Retention:Interval. Replicas may run it side by side: a row deleted by one is simply
// not found by the other.
public sealed partial class NotificationRetentionService(
    IServiceScopeFactory scopes,
    TimeProvider time,
    IOptions<RetentionOptions> options,
    ILogger<NotificationRetentionService> logger) : PeriodicJob(time, logger)
{
    protected override TimeSpan Interval => options.Value.Interval;

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var retention = scope.ServiceProvider.GetRequiredService<NotificationRetention>();
        var deleted = await retention.DeleteEndedAsync(cancellationToken);
        if (deleted > 0)
        {
            LogDeleted(deleted);
        }

        await retention.DeleteDeliveryStatsAsync(cancellationToken);
    }

    [LoggerMessage(LogLevel.Information, "Deleted {Count} notifications, with their deliveries, that ended longer ago than Retention:Notifications")]
    private partial void LogDeleted(int count);
}
