namespace Pushboard.NotificationApi.Sending;

public enum WorkKind
{
    // Resolve a notification's targets into pending deliveries, page by page.
    Resolve,
    // Send one range of a notification's pending deliveries.
    Send,
}

// DueBy: for a local-time moment's send item, the moment as the scheduler that queued it saw it due; its sender sends the
// range's deliveries scheduled up to it, whatever its own clock says (replicas' clocks differ a little). Without it the
// sender's clock decides.
public sealed record WorkItem(WorkKind Kind, Guid NotificationId, long FirstDeliveryId, long LastDeliveryId, string? TraceParent, DateTime? DueBy = null);
