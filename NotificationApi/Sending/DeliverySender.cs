using Microsoft.Extensions.Options;
using Pushboard.NotificationApi.Fcm;
using Pushboard.NotificationApi.Infrastructure;
using Pushboard.NotificationApi.Model;

namespace Pushboard.NotificationApi.Sending;

// Sends one delivery by FCM's rules: retries QUOTA_EXCEEDED/UNAVAILABLE/INTERNAL (and UNAUTHENTICATED, with a new
// access token) with exponential backoff and jitter, never before the Retry-After FCM gave (up to RetryAfterMax); a QUOTA_EXCEEDED pauses
// every send of this process. A send that had to wait (a retry, or one held by the pause) first asks whether its
// notification was canceled meanwhile, and if so (or if that cannot be read) hands nothing to FCM: the delivery stays
// pending with its last outcome and attempts, for the caller to cancel or a later pass to send; so does one stopped.
public sealed class DeliverySender(FcmClient fcm, FcmThrottle throttle, TimeProvider time, SendingMetrics metrics, IOptions<SendingOptions> options)
{
    private static readonly FcmOutcome NotSent = new(FcmOutcomeKind.Retryable, null, null);

    public async Task<(FcmOutcome Outcome, int Attempts)> SendAsync(
        FcmMessage message, PendingDelivery delivery, CancelWatch cancel, CancellationToken cancellationToken)
    {
        var attempts = 0;
        var outcome = NotSent;
        try
        {
            while (true)
            {
                var held = await throttle.WaitAsync(cancellationToken);
                if ((held || attempts > 0) && await cancel.HoldsBackAsync(cancellationToken))
                {
                    return (outcome, attempts);
                }

                attempts++;
                var started = time.GetTimestamp();
                outcome = await fcm.SendAsync(message, delivery.Token, delivery.Topic, cancellationToken);
                metrics.FcmCall(time.GetElapsedTime(started), outcome.ErrorCode ?? "OK");
                if (outcome.Kind != FcmOutcomeKind.Retryable || attempts >= options.Value.MaxAttempts)
                {
                    return (outcome, attempts);
                }

                metrics.Retry(outcome.ErrorCode);
                var backoff = Backoff(attempts, options.Value);
                var wait = outcome.RetryAfter is { } retryAfter && retryAfter > backoff
                    ? (retryAfter < options.Value.RetryAfterMax ? retryAfter : options.Value.RetryAfterMax)
                    : backoff;
                if (outcome.ErrorCode == "QUOTA_EXCEEDED")
                {
                    throttle.PauseUntil(time.GetUtcNow() + wait);
                }

                await Task.Delay(wait, time, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped (the service stops, or the page's lease was lost): pending, with what its tries so far said.
            return (outcome, attempts);
        }
    }

    public static DeliveryResult ToResult(long deliveryId, FcmOutcome outcome, int attempts) => outcome.Kind switch
    {
        FcmOutcomeKind.Sent => new(deliveryId, DeliveryStatus.Sent, outcome.MessageId, null, attempts),
        FcmOutcomeKind.InvalidToken => new(deliveryId, DeliveryStatus.InvalidToken, null, outcome.ErrorCode, attempts),
        FcmOutcomeKind.Failed => new(deliveryId, DeliveryStatus.Failed, null, outcome.ErrorCode, attempts),
        _ => new(deliveryId, DeliveryStatus.Pending, null, outcome.ErrorCode, attempts),
    };

    private static TimeSpan Backoff(int attempt, SendingOptions options)
    {
        var exponential = options.RetryBaseDelay * Math.Pow(2, attempt - 1);
        var capped = exponential < options.RetryMaxDelay ? exponential : options.RetryMaxDelay;
        return capped * (0.5 + Random.Shared.NextDouble() / 2);
    }
}
