namespace Pushboard.Web.Services;

// Where sign-in goes next: the page that sent the operator to /login, as the query parameter the cookie handler also
// uses (ReturnUrl). Only a path of this site is followed: "//host" and "/\host" are other sites to a browser, so a link
// to /login could otherwise send a signed-in operator anywhere.
public static class ReturnUrl
{
    public const string Parameter = "ReturnUrl";

    public static string LocalOrHome(string? url) =>
        url is ['/', ..] && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            && !url.Any(char.IsControl)
            ? url
            : "/";

    // The login page's address that comes back to the page at `relativePath` (the path and query after the base).
    public static string LoginFor(string relativePath) => $"/login?{Parameter}={Uri.EscapeDataString("/" + relativePath)}";
}
