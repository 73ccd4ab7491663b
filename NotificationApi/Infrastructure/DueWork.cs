namespace Pushboard.NotificationApi.Infrastructure;

public sealed record DueWork(long Id, Guid NotificationId, string Kind, DateTime DueAt, long FirstDeliveryId, long LastDeliveryId);
