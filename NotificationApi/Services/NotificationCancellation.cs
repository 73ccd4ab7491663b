using Microsoft.EntityFrameworkCore;
using Pushboard.NotificationApi.Infrastructure;
using Pushboard.NotificationApi.Model;

namespace Pushboard.NotificationApi.Services;

// Cancels a notification. The status is written first: every sender checks it before handing a chunk to FCM, so after
// the answer no more of it is handed. Then its pending deliveries that no sender holds become canceled (a sender that
// sees the cancel cancels the rest of its page itself), and only then its scheduled work goes: cut short, by a stop
// or a crash, the rest is canceled by the send items its scheduled moments still queue. From the status write on nothing
// waits on the caller, whose leaving would otherwise cut it short too.
public sealed class NotificationCancellation(NotificationsDbContext db, DeliveryStore deliveries, NotificationQueries queries)
{
    public async Task<CancelResult> CancelAsync(Guid notificationId, CancellationToken cancellationToken)
    {
        await deliveries.CancelNotificationAsync(notificationId, cancellationToken);
        var notification = await queries.FindAsync(notificationId, CancellationToken.None);
        if (notification is null)
        {
            return new CancelResult.NotFound();
        }

        if (notification.Status != NotificationStatus.Canceled)
        {
            return new CancelResult.Ended(notification.Status);
        }

        await deliveries.CancelAllPendingAsync(notificationId, leaseId: null, 0, long.MaxValue, CancellationToken.None);
        await db.ScheduledWork.Where(w => w.NotificationId == notificationId).ExecuteDeleteAsync(CancellationToken.None);
        return new CancelResult.Canceled(await queries.ToResponseAsync(notification, cancellationToken));
    }
}
