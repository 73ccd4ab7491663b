namespace Pushboard.NotificationApi.Infrastructure;

public sealed record DueWork(long Id, Guid NotificationId, string Kind, long FirstDeliveryId, long LastDeliveryId);
