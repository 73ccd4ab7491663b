namespace Pushboard.NotificationApi.Infrastructure;

public sealed record NewDelivery(string? DeviceId, string? Topic, string? Token, string Status, string? Error, DateTime? ScheduledFor = null);
