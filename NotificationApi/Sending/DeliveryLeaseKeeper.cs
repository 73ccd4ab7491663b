using Microsoft.Extensions.Options;
using Pushboard.NotificationApi.Infrastructure;

namespace Pushboard.NotificationApi.Sending;

// Renews a page's delivery lease while its sends run, through a scope of its own (the sender's DbContext is busy), and
// keeps the notification from looking stalled to the sweeper.
public sealed partial class DeliveryLeaseKeeper(
    IServiceScopeFactory scopes,
    TimeProvider time,
    IOptions<SendingOptions> options,
    ILogger<DeliveryLeaseKeeper> logger)
{
    public DateTime NextExpiry() => (time.GetUtcNow() + options.Value.LeaseDuration).UtcDateTime;

    public async Task KeepAsync(Guid notificationId, Guid leaseId, long[] deliveryIds, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.Value.LeaseDuration / 3, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var deliveries = scope.ServiceProvider.GetRequiredService<DeliveryStore>();
                    await deliveries.RenewLeaseAsync(leaseId, deliveryIds, NextExpiry(), cancellationToken);
                    await deliveries.TouchAsync(notificationId, cancellationToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // Keeps trying: the lease lasts three periods, and the database may be back by the next one.
                    LogRenewFailed(notificationId, exception);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(LogLevel.Warning, "Renewing a delivery lease of notification {NotificationId} failed")]
    private partial void LogRenewFailed(Guid notificationId, Exception exception);
}
