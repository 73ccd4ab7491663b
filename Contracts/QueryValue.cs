namespace Pushboard.Contracts;

// An empty query value (`?status=&after=`, as an HTML form sends an unfilled field) means the parameter is absent, in
// every list of both services.
public static class QueryValue
{
    public static string? OrNull(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
