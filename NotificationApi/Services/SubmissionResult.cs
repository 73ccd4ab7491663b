using Pushboard.NotificationApi.Apis;

namespace Pushboard.NotificationApi.Services;

// What became of a POST /api/notifications body.
public abstract record SubmissionResult
{
    // Stored and queued for resolution: 202.
    public sealed record Accepted(NotificationResponse Notification) : SubmissionResult;

    // The same Idempotency-Key and body within the window: 200 with the first notification.
    public sealed record Replayed(NotificationResponse Notification) : SubmissionResult;

    // The same Idempotency-Key within the window for a different body: 422.
    public sealed record KeyReused(TimeSpan Window) : SubmissionResult;

    // Not JSON of the documented shape, or breaking a rule of API.md: 400 with every bad field.
    public sealed record Invalid(Dictionary<string, string[]> Errors) : SubmissionResult;

    // Refused before it was stored: too many notifications are on their way to Redis (it is unreachable): 503.
    public sealed record Unavailable(TimeSpan RetryAfter) : SubmissionResult;
}
