namespace Pushboard.NotificationApi.Sending;

public static class TokenMask
{
    // Logs and traces only ever carry the last 6 characters of an FCM token.
    public static string Mask(string? token) => token is null ? "(none)" : token.Length <= 6 ? "…" : "…" + token[^6..];
}
