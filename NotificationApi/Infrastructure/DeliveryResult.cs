namespace Pushboard.NotificationApi.Infrastructure;

public sealed record DeliveryResult(long Id, string Status, string? FcmMessageId, string? Error, int Attempts);
