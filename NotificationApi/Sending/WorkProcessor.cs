using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pushboard.Contracts;
using Pushboard.NotificationApi.Apis;
using Pushboard.NotificationApi.Fcm;
using Pushboard.NotificationApi.Infrastructure;
using Pushboard.NotificationApi.Model;
using Pushboard.ServiceDefaults;
using StackExchange.Redis;

namespace Pushboard.NotificationApi.Sending;

// Does one work item. Returns false when deliveries are left pending (FCM kept failing, or another sender holds their
// lease): the item is then not acknowledged, and is claimed again later.
public sealed partial class WorkProcessor(
    NotificationsDbContext db,
    DeliveryStore deliveries,
    DeviceDirectory devices,
    DeliverySender sender,
    DeadTokenPublisher deadTokens,
    WorkQueue queue,
    DeliveryLeaseKeeper leases,
    IServiceScopeFactory scopes,
    SendingMetrics metrics,
    IOptions<SendingOptions> options,
    TimeProvider time,
    ILoggerFactory loggers,
    ILogger<WorkProcessor> logger)
{
    private const string NothingMatched = "No device matched the target.";

    public async Task<bool> ProcessAsync(WorkItem item, CancellationToken cancellationToken)
    {
        var notification = await db.Notifications.AsNoTracking().SingleOrDefaultAsync(n => n.Id == item.NotificationId, cancellationToken);
        if (notification is null || notification.Status is NotificationStatus.Completed or NotificationStatus.Failed)
        {
            return true;
        }

        // Deliveries of a canceled notification that nobody canceled yet (a page its sender left when it died) are
        // canceled here; the item stays until none is held by a sender. A resolve item covers them all: its resolver may
        // have died between writing a page and queueing the page's send item, and a cancel cut short by a crash did not
        // reach that page.
        if (notification.Status == NotificationStatus.Canceled)
        {
            var (first, last) = item.Kind == WorkKind.Resolve ? (0L, long.MaxValue) : (item.FirstDeliveryId, item.LastDeliveryId);
            await deliveries.CancelAllPendingAsync(notification.Id, leaseId: null, first, last, cancellationToken);
            return !await deliveries.AnyPendingAsync(notification.Id, first, last, DueBy(item), cancellationToken);
        }

        return item.Kind == WorkKind.Resolve
            ? await ResolveAsync(notification, item.TraceParent, cancellationToken)
            : await SendAsync(notification, item.FirstDeliveryId, item.LastDeliveryId, DueBy(item), cancellationToken);
    }

    // The local-time deliveries an item sends: those whose moment its scheduler saw come, else those due by this clock.
    private DateTime DueBy(WorkItem item) => item.DueBy ?? time.GetUtcNow().UtcDateTime;

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

        // A resolve item read again after its resolution finished (the sweeper queued another while the first resolver
        // was slow, or that resolver stopped before acknowledging it) writes no page; the end of the resolution runs
        // again, since its resolver may have stopped between its statements.
        var failureReason = notification.ResolvedAt is null
            ? await WritePagesAsync(notification, traceParent, cancellationToken)
            : NothingMatched;
        await deliveries.FinishResolvingAsync(notification.Id, failureReason, cancellationToken);
        LogResolved(notification.Id);
        return true;
    }

    // Writes the notification's pages of deliveries; returns why it fails should none have been written.
    private async Task<string> WritePagesAsync(Notification notification, string? traceParent, CancellationToken cancellationToken)
    {
        var writtenPages = new ResolutionPages(await deliveries.AnyWrittenAsync(notification.Id, cancellationToken));
        var target = JsonSerializer.Deserialize<NotificationTarget>(notification.TargetJson, JsonSerializerOptions.Web)!;
        var moments = MomentsOf(notification);
        if (target.Topic is { } topic)
        {
            await AddPageAsync(notification.Id, [new NewDelivery(null, topic, null, DeliveryStatus.Pending, null)], writtenPages, traceParent, cancellationToken);
        }
        else if (target.DeviceIds is { } deviceIds)
        {
            foreach (var chunk in DeviceDirectory.QueryChunks(deviceIds))
            {
                if (await deliveries.ResolutionIsOverAsync(notification.Id, cancellationToken))
                {
                    break;
                }

                await AddPageAsync(notification.Id, await ResolveDeviceIdsAsync(notification.Id, chunk, moments, cancellationToken), writtenPages, traceParent, cancellationToken);
            }
        }
        else
        {
            try
            {
                await ResolveActiveDevicesAsync(notification.Id, target, moments, writtenPages, traceParent, cancellationToken);
            }
            catch (DeviceApiRefusedException exception)
            {
                // Asking again would be refused again: the notification ends with the deliveries made so far.
                LogResolutionRefused(notification.Id, exception);
                return "Resolving the target failed: " + exception.Message;
            }
        }

        return NothingMatched;
    }

    // A localTime notification's moments count from its sendAt, or from when it was accepted (a past sendAt means now):
    // a resolve item redelivered later computes the same moments.
    private LocalMoments? MomentsOf(Notification notification)
    {
        if (notification.LocalTime is not { } localTime)
        {
            return null;
        }

        var from = notification.SendAt is { } sendAt && sendAt > notification.CreatedAt ? sendAt : notification.CreatedAt;
        return new LocalMoments(NotificationRules.ParseLocalTime(localTime)!.Value, from,
            TimeZoneInfo.FindSystemTimeZoneById(options.Value.DefaultTimeZone));
    }

    // A device id DeviceApi does not know fails with device_not_found, an inactive one with device_inactive; ids it
    // refused to look up fail with resolution_failed.
    private async Task<List<NewDelivery>> ResolveDeviceIdsAsync(
        Guid notificationId, List<string> deviceIds, LocalMoments? moments, CancellationToken cancellationToken)
    {
        Dictionary<string, DeviceRecord> found;
        try
        {
            found = (await devices.FindAsync(deviceIds, cancellationToken)).ToDictionary(d => d.DeviceId, StringComparer.Ordinal);
        }
        catch (DeviceApiRefusedException exception)
        {
            LogResolutionRefused(notificationId, exception);
            return [.. deviceIds.Select(id => new NewDelivery(id, null, null, DeliveryStatus.Failed, DeliveryErrors.ResolutionFailed))];
        }

        return [.. deviceIds.Select(id => found.TryGetValue(id, out var device)
            ? device is { Status: "active", FcmToken: { } token }
                ? new NewDelivery(id, null, token, DeliveryStatus.Pending, null, moments?.For(device.TimeZone))
                : new NewDelivery(id, null, null, DeliveryStatus.Failed, DeliveryErrors.DeviceInactive)
            : new NewDelivery(id, null, null, DeliveryStatus.Failed, DeliveryErrors.DeviceNotFound))];
    }

    // The next page is fetched from DeviceApi while this one is written: one page in memory, one in flight. A segment
    // too large for one DeviceApi query is walked part after part (SegmentParts). A canceled notification, or one another
    // resolver finished resolving, stops resolving at the next page.
    private async Task ResolveActiveDevicesAsync(
        Guid notificationId, NotificationTarget target, LocalMoments? moments, ResolutionPages writtenPages, string? traceParent,
        CancellationToken cancellationToken)
    {
        foreach (var segment in SegmentParts.Of(target.Segment))
        {
            Task<DevicePage>? nextPage = devices.ActiveDevicesAsync(target.UserId, segment, null, cancellationToken);
            while (nextPage is not null)
            {
                var devicePage = await nextPage;
                if (await deliveries.ResolutionIsOverAsync(notificationId, cancellationToken))
                {
                    return;
                }

                nextPage = devicePage.Next is { } cursor ? devices.ActiveDevicesAsync(target.UserId, segment, cursor, cancellationToken) : null;
                var page = devicePage.Items.Where(d => d.FcmToken is not null)
                    .Select(d => new NewDelivery(d.DeviceId, null, d.FcmToken, DeliveryStatus.Pending, null, moments?.For(d.TimeZone))).ToList();
                await AddPageAsync(notificationId, page, writtenPages, traceParent, cancellationToken);
            }
        }
    }

    private async Task AddPageAsync(
        Guid notificationId, IReadOnlyList<NewDelivery> page, ResolutionPages writtenPages, string? traceParent, CancellationToken cancellationToken)
    {
        if (page.Count == 0)
        {
            return;
        }

        var pendingIds = await deliveries.AddAsync(notificationId, page, writtenPages, cancellationToken);
        metrics.Resolved(page.Count);
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

    // Sends the range page by page, each page leased so that no other sender sends it meanwhile; returns false when a
    // delivery of the range is still pending (left for a later pass, or held by another sender). A cancel seen between
    // two chunks ends the pass: what was not handed to FCM is canceled.
    private async Task<bool> SendAsync(Notification notification, long firstId, long lastId, DateTime dueBy, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var afterId = firstId - 1;
        while (!cancellationToken.IsCancellationRequested)
        {
            var leaseId = Guid.CreateVersion7();
            var page = await deliveries.LeasePendingAsync(
                notification.Id, afterId, lastId, dueBy, settings.PageSize, leaseId, settings.LeaseDuration, cancellationToken);
            if (page.Count == 0)
            {
                break;
            }

            afterId = page[^1].Id;
            if (!await SendPageAsync(notification, leaseId, page, cancellationToken))
            {
                return !await deliveries.AnyPendingAsync(notification.Id, firstId, lastId, dueBy, cancellationToken);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        await deliveries.CompleteIfDoneAsync(notification.Id, cancellationToken);
        return !await deliveries.AnyPendingAsync(notification.Id, firstId, lastId, dueBy, cancellationToken);
    }

    // Returns false when the pass ends before the whole page was handed to FCM: the notification was canceled, or another
    // sender took the page over while its devices were read again.
    private async Task<bool> SendPageAsync(Notification notification, Guid leaseId, List<PendingDelivery> leased, CancellationToken cancellationToken)
    {
        List<PendingDelivery> page;
        try
        {
            page = await ReadDevicesAgainAsync(notification.Id, leaseId, leased, cancellationToken);
            // Reading the devices again takes as long as DeviceApi does, with no lease keeper running yet: the lease must
            // still hold the whole page before its first chunk; a page another sender took over (or sent) meanwhile is left.
            if (page.Count > 0 && leased.Any(d => d.ReadsDeviceAgain)
                && !await deliveries.RenewWholeLeaseAsync(leaseId, [.. page.Select(d => d.Id)], options.Value.LeaseDuration, cancellationToken))
            {
                await deliveries.ReleaseLeaseAsync(leaseId, [.. leased.Select(d => d.Id)], CancellationToken.None);
                return false;
            }
        }
        catch
        {
            await deliveries.ReleaseLeaseAsync(leaseId, [.. leased.Select(d => d.Id)], CancellationToken.None);
            throw;
        }

        long[] ids = [.. page.Select(d => d.Id)];

        using var lost = new CancellationTokenSource();
        using var sending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lost.Token);
        using var holding = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var keeping = leases.KeepAsync(notification.Id, leaseId, ids, lost, holding.Token);
        var sent = 0;
        var canceled = false;
        try
        {
            // Counted from the moment of sending (API.md), once per page: a page is sent within seconds.
            var message = new FcmMessage(FcmMessageBuilder.WithApnsExpiration(notification.MessageJson, notification.ApnsTtlSeconds, time.GetUtcNow()));
            var cancel = new CancelWatch(token => IsCanceledAsync(notification.Id, token), loggers.CreateLogger<CancelWatch>(), sending.Token);
            foreach (var chunk in page.Chunk(options.Value.Concurrency))
            {
                if (sending.IsCancellationRequested)
                {
                    break;
                }

                // After the cancel's answer nothing more is handed to FCM: checked before each chunk.
                if (await deliveries.IsCanceledAsync(notification.Id, cancellationToken))
                {
                    canceled = true;
                    break;
                }

                var results = await Task.WhenAll(chunk.Select(delivery => SendOneAsync(message, delivery, cancel, sending.Token)));
                var waited = await RecordAsync(notification.Id, leaseId, results, cancellationToken);
                sent += chunk.Length;
                foreach (var result in results.Where(r => r.Status != DeliveryStatus.Pending))
                {
                    metrics.Delivered(result.Status);
                }

                // A send that stopped before a retry because of a cancel left its delivery pending: cancel it and the rest.
                // Before any later chunk the check above reads it again.
                if (sent == page.Count && results.Any(r => r.Status == DeliveryStatus.Pending)
                    && await deliveries.IsCanceledAsync(notification.Id, cancellationToken))
                {
                    canceled = true;
                    break;
                }

                // After a wait for the database the lease may have run out and another sender may hold the rest.
                if (waited && sent < page.Count
                    && !await deliveries.RenewLeaseAsync(leaseId, ids[sent..], options.Value.LeaseDuration, cancellationToken))
                {
                    await lost.CancelAsync();
                }
            }
        }
        finally
        {
            await holding.CancelAsync();
            await keeping;
        }

        if (canceled)
        {
            await deliveries.CancelAllPendingAsync(notification.Id, leaseId, ids[0], ids[^1], CancellationToken.None);
        }
        else if (sent < page.Count)
        {
            await deliveries.ReleaseLeaseAsync(leaseId, ids[sent..], CancellationToken.None);
        }

        return !canceled;
    }

    // Through a scope of its own: the page's DbContext is busy with the page.
    private async Task<bool> IsCanceledAsync(Guid notificationId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DeliveryStore>().IsCanceledAsync(notificationId, cancellationToken);
    }

    // At its moment a local-time delivery uses its device as it is then (API.md), and so does one tried in an earlier
    // pass: a device deleted or made inactive meanwhile ends it failed, and a token that moved is sent to where it is
    // now. Returns the deliveries to send.
    private async Task<List<PendingDelivery>> ReadDevicesAgainAsync(Guid notificationId, Guid leaseId, List<PendingDelivery> page, CancellationToken cancellationToken)
    {
        List<string> deviceIds = [.. page.Where(d => d.ReadsDeviceAgain).Select(d => d.DeviceId!)];
        if (deviceIds.Count == 0)
        {
            return page;
        }

        var found = new Dictionary<string, DeviceRecord>(StringComparer.Ordinal);
        var refused = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in DeviceDirectory.QueryChunks(deviceIds))
        {
            try
            {
                foreach (var device in await devices.FindAsync(chunk, cancellationToken))
                {
                    found[device.DeviceId] = device;
                }
            }
            catch (DeviceApiRefusedException exception)
            {
                // Asking again would be refused again: these deliveries end resolution_failed, as in a refused resolution.
                LogResolutionRefused(notificationId, exception);
                refused.UnionWith(chunk);
            }
        }

        var ended = new List<DeliveryResult>();
        var ready = new List<PendingDelivery>();
        foreach (var delivery in page)
        {
            if (!delivery.ReadsDeviceAgain || delivery.DeviceId is not { } deviceId)
            {
                ready.Add(delivery);
            }
            else if (refused.Contains(deviceId))
            {
                ended.Add(new DeliveryResult(delivery.Id, DeliveryStatus.Failed, null, DeliveryErrors.ResolutionFailed, 0));
            }
            else if (!found.TryGetValue(deviceId, out var device))
            {
                ended.Add(new DeliveryResult(delivery.Id, DeliveryStatus.Failed, null, DeliveryErrors.DeviceNotFound, 0));
            }
            else if (device is { Status: "active", FcmToken: { } token })
            {
                ready.Add(delivery with { Token = token });
            }
            else
            {
                ended.Add(new DeliveryResult(delivery.Id, DeliveryStatus.Failed, null, DeliveryErrors.DeviceInactive, 0));
            }
        }

        if (ended.Count > 0)
        {
            await deliveries.RecordAsync(notificationId, leaseId, ended, cancellationToken);
            foreach (var result in ended)
            {
                metrics.Delivered(result.Status);
            }
        }

        return ready;
    }

    // What FCM answered is recorded even while the service stops, and through a database outage (tried again every
    // Sending:RecordRetryPause until Postgres is back): otherwise it would be sent again. Only a stop during an outage
    // leaves it unrecorded. Returns whether it had to wait.
    private async Task<bool> RecordAsync(Guid notificationId, Guid leaseId, DeliveryResult[] results, CancellationToken stopping)
    {
        for (var waited = false; ; waited = true)
        {
            try
            {
                await deliveries.RecordAsync(notificationId, leaseId, results, CancellationToken.None);
                return waited;
            }
            catch (Exception exception) when (DatabaseOutage.IsOutage(exception) && !stopping.IsCancellationRequested)
            {
                LogRecordWaiting(notificationId, results.Length, exception);
                await Task.Delay(options.Value.RecordRetryPause, time, stopping);
            }
        }
    }

    // One delivery's fault stays its own: the outcomes of the others of its chunk are recorded whatever happens here.
    // A send cancelled (the service stops, or the lease was lost: before it was handed to FCM, or unanswered within
    // Fcm:StopGrace after) stays pending.
    private async Task<DeliveryResult> SendOneAsync(FcmMessage message, PendingDelivery delivery, CancelWatch cancel, CancellationToken cancellationToken)
    {
        try
        {
            var (outcome, attempts) = await sender.SendAsync(message, delivery, cancel, cancellationToken);
            if (outcome.Kind == FcmOutcomeKind.InvalidToken && delivery is { DeviceId: { } deviceId, Token: { } token })
            {
                try
                {
                    await deadTokens.PublishAsync(deviceId, token, outcome.ErrorCode!);
                }
                catch (Exception exception) when (exception is RedisException or RedisTimeoutException)
                {
                    // DeviceApi must learn of it: the delivery stays pending, and the next pass asks FCM (and tells) again.
                    LogDeadTokenUnpublished(deviceId, exception);
                    return new DeliveryResult(delivery.Id, DeliveryStatus.Pending, null, outcome.ErrorCode, attempts);
                }

                LogDeadToken(deviceId, TokenMask.Mask(token), outcome.ErrorCode);
            }
            else if (outcome is { Kind: FcmOutcomeKind.Failed, ErrorCode: "THIRD_PARTY_AUTH_ERROR" })
            {
                LogThirdPartyAuthError(delivery.DeviceId, TokenMask.Mask(delivery.Token));
            }
            else if (outcome is { Kind: FcmOutcomeKind.Failed, ErrorCode: FcmOutcome.NotFound })
            {
                LogNotFound(delivery.DeviceId);
            }

            return DeliverySender.ToResult(delivery.Id, outcome, attempts);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new DeliveryResult(delivery.Id, DeliveryStatus.Pending, null, null, 0);
        }
        catch (Exception exception)
        {
            LogSendFailed(delivery.Id, exception);
            return new DeliveryResult(delivery.Id, DeliveryStatus.Pending, null, DeliveryErrors.SendError, 1);
        }
    }

    [LoggerMessage(LogLevel.Warning, "The outcomes of {Count} deliveries of notification {NotificationId} wait for the database to be recorded")]
    private partial void LogRecordWaiting(Guid notificationId, int count, Exception exception);

    [LoggerMessage(LogLevel.Information, "Resolved the targets of notification {NotificationId}")]
    private partial void LogResolved(Guid notificationId);

    [LoggerMessage(LogLevel.Information, "FCM declared the token {Token} of device {DeviceId} dead ({ErrorCode}); DeviceApi is told")]
    private partial void LogDeadToken(string deviceId, string token, string? errorCode);

    [LoggerMessage(LogLevel.Warning, "DeviceApi refused to resolve the targets of notification {NotificationId}; what it refused ends failed")]
    private partial void LogResolutionRefused(Guid notificationId, Exception exception);

    [LoggerMessage(LogLevel.Error, "Telling DeviceApi that device {DeviceId}'s token is dead failed; the delivery stays pending and is tried again")]
    private partial void LogDeadTokenUnpublished(string deviceId, Exception exception);

    [LoggerMessage(LogLevel.Error, "Sending delivery {DeliveryId} failed; it stays pending and is tried again")]
    private partial void LogSendFailed(long deliveryId, Exception exception);

    [LoggerMessage(LogLevel.Error, "FCM answered 404 without UNREGISTERED for device {DeviceId}: check Fcm:ProjectId and Fcm:Endpoint (the Firebase project of the service account)")]
    private partial void LogNotFound(string? deviceId);

    [LoggerMessage(LogLevel.Error, "FCM answered THIRD_PARTY_AUTH_ERROR for device {DeviceId} (token {Token}): check the APNs certificate or web-push credentials in the Firebase project")]
    private partial void LogThirdPartyAuthError(string? deviceId, string token);
}
