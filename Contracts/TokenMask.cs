namespace Pushboard.Contracts;

// FCM tokens are credentials for pushing to a device: logs and traces only ever see their last 6 characters.
public static class TokenMask
{
    private const int VisibleChars = 6;

    public static string Mask(string? token) => token switch
    {
        null => "(none)",
        { Length: <= VisibleChars } => new string('*', token.Length),
        _ => "…" + token[^VisibleChars..],
    };
}
