using Microsoft.Extensions.Options;
using Pushboard.NotificationApi.Model;

namespace Pushboard.NotificationApi.Sending;

public sealed class SendingOptions
{
    public const string Section = "Sending";

    // Work loops per process, each taking one work item at a time.
    public int Workers { get; set; } = 8;

    // Sends in flight per work item; a crash re-sends at most this many deliveries per work loop.
    public int Concurrency { get; set; } = 100;

    // Tries per delivery within one pass before it is left pending for a later pass.
    public int MaxAttempts { get; set; } = 8;

    public TimeSpan ClaimIdle { get; set; } = TimeSpan.FromSeconds(30);

    // A queued or sending notification without progress for this long is queued again (StalledNotificationSweeper).
    // Generous by default: a send pass waiting out a long FCM Retry-After makes no progress either.
    public TimeSpan StalledAfter { get; set; } = TimeSpan.FromMinutes(2);

    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);
}

// Sends one delivery by FCM's rules: retries QUOTA_EXCEEDED/UNAVAILABLE/INTERNAL with exponential backoff and jitter,
// never before the Retry-After FCM gave; a QUOTA_EXCEEDED pauses every send of this process.
public sealed class DeliverySender(FcmClient fcm, FcmThrottle throttle, TimeProvider time, SendingMetrics metrics, IOptions<SendingOptions> options)
{
    private static readonly TimeSpan BaseDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    public async Task<(FcmOutcome Outcome, int Attempts)> SendAsync(string messageJson, PendingDelivery delivery, CancellationToken cancellationToken)
    {
        var attempts = 0;
        while (true)
        {
            await throttle.WaitAsync(cancellationToken);
            attempts++;
            var started = time.GetTimestamp();
            var outcome = await fcm.SendAsync(messageJson, delivery.Token, delivery.Topic, cancellationToken);
            metrics.FcmCall(time.GetElapsedTime(started), outcome.ErrorCode ?? "OK");
            if (outcome.Kind != FcmOutcomeKind.Retryable || attempts >= options.Value.MaxAttempts)
            {
                return (outcome, attempts);
            }

            metrics.Retry(outcome.ErrorCode);
            var backoff = Backoff(attempts);
            var wait = outcome.RetryAfter is { } retryAfter && retryAfter > backoff ? retryAfter : backoff;
            if (outcome.ErrorCode == "QUOTA_EXCEEDED")
            {
                throttle.PauseUntil(time.GetUtcNow() + wait);
            }

            await Task.Delay(wait, time, cancellationToken);
        }
    }

    public static DeliveryResult ToResult(long deliveryId, FcmOutcome outcome, int attempts) => outcome.Kind switch
    {
        FcmOutcomeKind.Sent => new(deliveryId, DeliveryStatus.Sent, outcome.MessageId, null, attempts),
        FcmOutcomeKind.InvalidToken => new(deliveryId, DeliveryStatus.InvalidToken, null, outcome.ErrorCode, attempts),
        FcmOutcomeKind.Failed => new(deliveryId, DeliveryStatus.Failed, null, outcome.ErrorCode, attempts),
        _ => new(deliveryId, DeliveryStatus.Pending, null, outcome.ErrorCode, attempts),
    };

    private static TimeSpan Backoff(int attempt)
    {
        var exponential = BaseDelay * Math.Pow(2, attempt - 1);
        var capped = exponential < MaxDelay ? exponential : MaxDelay;
        return capped * (0.5 + Random.Shared.NextDouble() / 2);
    }
}
