namespace Pushboard.NotificationApi.Fcm;

public enum FcmOutcomeKind
{
    Sent,
    // The token is dead (UNREGISTERED, INVALID_ARGUMENT about the token, SENDER_ID_MISMATCH): never retried.
    InvalidToken,
    // Something other than the token is wrong, or THIRD_PARTY_AUTH_ERROR: failed, never retried.
    Failed,
    // QUOTA_EXCEEDED, UNAVAILABLE, INTERNAL, UNAUTHENTICATED, a network error: retried with backoff.
    Retryable,
}

public sealed record FcmOutcome(FcmOutcomeKind Kind, string? MessageId, string? ErrorCode, TimeSpan? RetryAfter = null)
{
    // A 404 without UNREGISTERED: the project or endpoint is wrong, not the token.
    public const string NotFound = "NOT_FOUND";

    // A 401 for our own access token, or the token endpoint refusing the service account: retried with a new token.
    public const string Unauthenticated = "UNAUTHENTICATED";
}
