using Polly;

namespace Pushboard.Web.Services;

// How a call to DeviceApi or NotificationApi fails, for the pages that show it to the operator instead of losing the
// circuit to an unhandled exception.
public static class ApiFailure
{
    // The service did not answer: unreachable (HttpRequestException), or given up on by the clients' resilience pipeline
    // (its attempt and total timeouts, an open circuit: Polly's ExecutionRejectedException).
    public static bool IsUnanswered(Exception exception) => exception is HttpRequestException or ExecutionRejectedException;

    // Unanswered, or answered with a problem (ApiException).
    public static bool IsAny(Exception exception) => exception is ApiException || IsUnanswered(exception);
}
