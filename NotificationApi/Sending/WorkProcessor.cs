using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pushboard.Contracts;
using Pushboard.NotificationApi.Apis;
using Pushboard.NotificationApi.Fcm;
using Pushboard.NotificationApi.Infrastructure;
using Pushboard.NotificationApi.Model;

namespace Pushboard.NotificationApi.Sending;

// Does one work item. Returns false when deliveries are left pending (FCM kept failing): the item is then not
// acknowledged, and is claimed again later.
public sealed partial class WorkProcessor(
    NotificationsDbContext db,
    DeliveryStore deliveries,
    DeviceDirectory devices,
    DeliverySender sender,
    DeadTokenPublisher deadTokens,
    WorkQueue queue,
    SendingMetrics metrics,
    IOptions<SendingOptions> options,
    ILogger<WorkProcessor> logger)
{
    public async Task<bool> ProcessAsync(WorkItem item, CancellationToken cancellationToken)
    {
        var notification = await db.Notifications.AsNoTracking().SingleOrDefaultAsync(n => n.Id == item.NotificationId, cancellationToken);
        if (notification is null || notification.Status is NotificationStatus.Completed or NotificationStatus.Failed)
        {
            return true;
        }

        return item.Kind == WorkKind.Resolve
            ? await ResolveAsync(notification, item.TraceParent, cancellationToken)
            : await SendAsync(notification, item.FirstDeliveryId, item.LastDeliveryId, cancellationToken);
    }

    private async Task<bool> ResolveAsync(Notification notification, string? traceParent, CancellationToken cancellationToken)
    {
        await deliveries.StartSendingAsync(notification.Id, cancellationToken);

        // An earlier resolver of this notification may have died after a page was written (its INSERT can even commit
        // after the process is gone) but before the page's send item was queued: a redone page inserts nothing new,
        // so those deliveries are queued here.
        if (await deliveries.PendingRangeAsync(notification.Id, notification.QueuedThroughDeliveryId, cancellationToken) is (var first, var last))
        {
            await QueueSendAsync(notification.Id, first, last, traceParent, cancellationToken);
        }

        var target = JsonSerializer.Deserialize<NotificationTarget>(notification.TargetJson, JsonSerializerOptions.Web)!;
        if (target.Topic is { } topic)
        {
            await AddPageAsync(notification.Id, [new NewDelivery(null, topic, null, DeliveryStatus.Pending, null)], traceParent, cancellationToken);
        }
        else if (target.DeviceIds is { } deviceIds)
        {
            var found = (await devices.FindAsync(deviceIds, cancellationToken)).ToDictionary(d => d.DeviceId, StringComparer.Ordinal);
            var page = deviceIds.Select(id => found.TryGetValue(id, out var device)
                ? device is { Status: "active", FcmToken: { } token }
                    ? new NewDelivery(id, null, token, DeliveryStatus.Pending, null)
                    : new NewDelivery(id, null, null, DeliveryStatus.Failed, DeliveryErrors.DeviceInactive)
                : new NewDelivery(id, null, null, DeliveryStatus.Failed, DeliveryErrors.DeviceNotFound)).ToList();
            await AddPageAsync(notification.Id, page, traceParent, cancellationToken);
        }
        else
        {
            // The next page is fetched from DeviceApi while this one is written: one page in memory, one in flight.
            Task<DevicePage>? nextPage = devices.ActiveDevicesAsync(target.UserId, null, cancellationToken);
            while (nextPage is not null)
            {
                var devicePage = await nextPage;
                nextPage = devicePage.Next is { } cursor ? devices.ActiveDevicesAsync(target.UserId, cursor, cancellationToken) : null;
                var page = devicePage.Items.Where(d => d.FcmToken is not null)
                    .Select(d => new NewDelivery(d.DeviceId, null, d.FcmToken, DeliveryStatus.Pending, null)).ToList();
                await AddPageAsync(notification.Id, page, traceParent, cancellationToken);
            }
        }

        await deliveries.FinishResolvingAsync(notification.Id, cancellationToken);
        LogResolved(notification.Id);
        return true;
    }

    private async Task AddPageAsync(Guid notificationId, IReadOnlyList<NewDelivery> page, string? traceParent, CancellationToken cancellationToken)
    {
        if (page.Count == 0)
        {
            return;
        }

        var pendingIds = await deliveries.AddAsync(notificationId, page, cancellationToken);
        foreach (var failed in page.Where(d => d.Status == DeliveryStatus.Failed))
        {
            metrics.Delivered(failed.Status);
        }

        if (pendingIds.Count > 0)
        {
            await QueueSendAsync(notificationId, pendingIds.Min(), pendingIds.Max(), traceParent, cancellationToken);
        }
    }

    private async Task QueueSendAsync(Guid notificationId, long firstId, long lastId, string? traceParent, CancellationToken cancellationToken)
    {
        await queue.EnqueueSendAsync(notificationId, firstId, lastId, traceParent, cancellationToken);
        await deliveries.MarkQueuedThroughAsync(notificationId, lastId, cancellationToken);
    }

    private async Task<bool> SendAsync(Notification notification, long firstId, long lastId, CancellationToken cancellationToken)
    {
        var pending = await deliveries.PendingAsync(notification.Id, firstId, lastId, cancellationToken);
        var leftPending = false;
        foreach (var chunk in pending.Chunk(options.Value.Concurrency))
        {
            var results = await Task.WhenAll(chunk.Select(async delivery =>
            {
                var (outcome, attempts) = await sender.SendAsync(notification.MessageJson, delivery, cancellationToken);
                if (outcome.Kind == FcmOutcomeKind.InvalidToken && delivery is { DeviceId: { } deviceId, Token: { } token })
                {
                    await deadTokens.PublishAsync(deviceId, token, outcome.ErrorCode!);
                    LogDeadToken(deviceId, TokenMask.Mask(token), outcome.ErrorCode);
                }
                else if (outcome is { Kind: FcmOutcomeKind.Failed, ErrorCode: "THIRD_PARTY_AUTH_ERROR" })
                {
                    LogThirdPartyAuthError(delivery.DeviceId, TokenMask.Mask(delivery.Token));
                }

                return DeliverySender.ToResult(delivery.Id, outcome, attempts);
            }));
            await deliveries.RecordAsync(notification.Id, results, cancellationToken);
            foreach (var result in results)
            {
                if (result.Status == DeliveryStatus.Pending)
                {
                    leftPending = true;
                }
                else
                {
                    metrics.Delivered(result.Status);
                }
            }
        }

        await deliveries.CompleteIfDoneAsync(notification.Id, cancellationToken);
        return !leftPending;
    }

    [LoggerMessage(LogLevel.Information, "Resolved the targets of notification {NotificationId}")]
    private partial void LogResolved(Guid notificationId);

    [LoggerMessage(LogLevel.Information, "FCM declared the token {Token} of device {DeviceId} dead ({ErrorCode}); DeviceApi is told")]
    private partial void LogDeadToken(string deviceId, string token, string? errorCode);

    [LoggerMessage(LogLevel.Error, "FCM answered THIRD_PARTY_AUTH_ERROR for device {DeviceId} (token {Token}): check the APNs certificate or web-push credentials in the Firebase project")]
    private partial void LogThirdPartyAuthError(string? deviceId, string token);
}
