using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pushboard.NotificationApi.Apis;
using Pushboard.NotificationApi.Infrastructure;
using Pushboard.NotificationApi.Model;

namespace Pushboard.NotificationApi.Services;

// The reads behind GET /api/notifications…: notifications with their delivery counts, and keyset pages of deliveries.
public sealed class NotificationQueries(NotificationsDbContext db)
{
    public Task<Notification?> FindAsync(Guid notificationId, CancellationToken cancellationToken) =>
        db.Notifications.AsNoTracking().SingleOrDefaultAsync(n => n.Id == notificationId, cancellationToken);

    public Task<bool> ExistsAsync(Guid notificationId, CancellationToken cancellationToken) =>
        db.Notifications.AnyAsync(n => n.Id == notificationId, cancellationToken);

    // Newest first; take + 1 rows, so that the caller sees whether another page follows.
    public async Task<List<NotificationResponse>> ListAsync(string? status, Guid? beforeId, int take, CancellationToken cancellationToken)
    {
        var query = db.Notifications.AsNoTracking();
        if (status is not null)
        {
            query = query.Where(n => n.Status == status);
        }

        if (beforeId is { } before)
        {
            query = query.Where(n => n.Id.CompareTo(before) < 0);
        }

        var page = await query.OrderByDescending(n => n.Id).Take(take).ToListAsync(cancellationToken);
        var counts = await CountsAsync([.. page.Select(n => n.Id)], cancellationToken);
        return [.. page.Select(notification => ToResponse(notification, counts.GetValueOrDefault(notification.Id)))];
    }

    // In delivery id order; take rows after afterId.
    public Task<List<Delivery>> DeliveriesAsync(Guid notificationId, string? status, long afterId, int take, CancellationToken cancellationToken)
    {
        var query = db.Deliveries.AsNoTracking().Where(d => d.NotificationId == notificationId && d.Id > afterId);
        if (status is not null)
        {
            query = query.Where(d => d.Status == status);
        }

        return query.OrderBy(d => d.Id).Take(take).ToListAsync(cancellationToken);
    }

    // Newest first.
    public Task<List<DeviceDeliveryResponse>> DeviceDeliveriesAsync(string deviceId, int take, CancellationToken cancellationToken) =>
        db.Deliveries.AsNoTracking()
            .Where(d => d.DeviceId == deviceId)
            .OrderByDescending(d => d.Id)
            .Take(take)
            .Select(d => new DeviceDeliveryResponse(d.NotificationId, d.DeviceId, d.Topic, d.Status, d.FcmMessageId, d.Error, d.Attempts, d.UpdatedAt))
            .ToListAsync(cancellationToken);

    public async Task<NotificationResponse> ToResponseAsync(Notification notification, CancellationToken cancellationToken) =>
        ToResponse(notification, (await CountsAsync([notification.Id], cancellationToken)).GetValueOrDefault(notification.Id));

    // A notification without counts yet (just accepted, nothing resolved) shows zeros.
    public static NotificationResponse ToResponse(Notification notification, NotificationCounts? counts)
    {
        using var target = JsonDocument.Parse(notification.TargetJson);
        return new NotificationResponse(
            notification.Id,
            notification.Status,
            notification.CreatedAt,
            notification.CompletedAt,
            notification.FailureReason,
            target.RootElement.Clone(),
            counts ?? new NotificationCounts(0, 0, 0, 0, 0, 0),
            notification.SendAt,
            notification.LocalTime);
    }

    // The delivery counts of a page of notifications: the sums of their count shards, in one grouped query.
    private async Task<Dictionary<Guid, NotificationCounts>> CountsAsync(IReadOnlyList<Guid> notificationIds, CancellationToken cancellationToken) =>
        await db.DeliveryCounts.AsNoTracking()
            .Where(c => notificationIds.Contains(c.NotificationId))
            .GroupBy(c => c.NotificationId)
            .Select(shards => new
            {
                NotificationId = shards.Key,
                Counts = new NotificationCounts(shards.Sum(c => c.Targeted), shards.Sum(c => c.Sent), shards.Sum(c => c.Failed),
                    shards.Sum(c => c.InvalidToken), shards.Sum(c => c.Pending), shards.Sum(c => c.Canceled)),
            })
            .ToDictionaryAsync(row => row.NotificationId, row => row.Counts, cancellationToken);
}
