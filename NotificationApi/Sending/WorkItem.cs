namespace Pushboard.NotificationApi.Sending;

public enum WorkKind
{
    // Resolve a notification's targets into pending deliveries, page by page.
    Resolve,
    // Send one range of a notification's pending deliveries.
    Send,
}

public sealed record WorkItem(WorkKind Kind, Guid NotificationId, long FirstDeliveryId, long LastDeliveryId, string? TraceParent);
