namespace Pushboard.NotificationApi.Infrastructure;

public sealed record PendingDelivery(long Id, string? DeviceId, string? Topic, string? Token, DateTime? ScheduledFor);
