using Microsoft.Extensions.Options;
using Pushboard.NotificationApi.Infrastructure;

namespace Pushboard.NotificationApi.Sending;

// Renews a page's delivery lease while its sends run, through a scope of its own (the sender's DbContext is busy), and
// keeps the notification from looking stalled to the sweeper. When the lease is taken over, or cannot be renewed for
// as long as it lasts, it cancels `lost`: the holder then sends nothing more of the page.
public sealed partial class DeliveryLeaseKeeper(
    IServiceScopeFactory scopes,
    TimeProvider time,
    IOptions<SendingOptions> options,
    ILogger<DeliveryLeaseKeeper> logger)
{
    public async Task KeepAsync(Guid notificationId, Guid leaseId, long[] deliveryIds, CancellationTokenSource lost, CancellationToken cancellationToken)
    {
        var duration = options.Value.LeaseDuration;
        var renewedAt = time.GetTimestamp();
        using var timer = new PeriodicTimer(duration / 3, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var deliveries = scope.ServiceProvider.GetRequiredService<DeliveryStore>();
                    if (!await deliveries.RenewLeaseAsync(leaseId, deliveryIds, duration, cancellationToken))
                    {
                        LogLeaseLost(notificationId);
                        await lost.CancelAsync();
                        return;
                    }

                    renewedAt = time.GetTimestamp();
                    await deliveries.TouchAsync(notificationId, cancellationToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogRenewFailed(notificationId, exception);
                    if (time.GetElapsedTime(renewedAt) >= duration)
                    {
                        await lost.CancelAsync();
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(LogLevel.Warning, "Renewing a delivery lease of notification {NotificationId} failed")]
    private partial void LogRenewFailed(Guid notificationId, Exception exception);

    [LoggerMessage(LogLevel.Warning, "A delivery lease of notification {NotificationId} ran out and was taken over; its holder stops sending that page")]
    private partial void LogLeaseLost(Guid notificationId);
}
