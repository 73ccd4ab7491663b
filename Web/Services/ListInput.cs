namespace Pushboard.Web.Services;

public static class ListInput
{
    // A list typed into one text field: values separated by commas, spaces or new lines.
    public static IReadOnlyList<string> Split(string? values) =>
        [.. (values ?? "").Split([',', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
