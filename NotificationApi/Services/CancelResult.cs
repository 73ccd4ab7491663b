using Pushboard.NotificationApi.Apis;

namespace Pushboard.NotificationApi.Services;

// What became of a POST /api/notifications/{id}/cancel.
public abstract record CancelResult
{
    // Canceled now or before: 200.
    public sealed record Canceled(NotificationResponse Notification) : CancelResult;

    // Already completed or failed: 409.
    public sealed record Ended(string Status) : CancelResult;

    public sealed record NotFound : CancelResult;
}
