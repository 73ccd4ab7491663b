namespace Pushboard.Web.Services;

// One part of a page loaded on its own: its value, or why it is unavailable. A service that is down makes its own
// parts unavailable and leaves the rest of the page alone.
public sealed record Section<T>(T? Value, string? Problem) where T : class
{
    public bool Available => Value is not null;

    public static async Task<Section<T>> LoadAsync(string what, Func<CancellationToken, Task<T>> load, CancellationToken cancellationToken)
    {
        try
        {
            return new Section<T>(await load(cancellationToken), null);
        }
        catch (Exception exception) when (exception is ApiException or HttpRequestException or System.Text.Json.JsonException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return new Section<T>(null, $"{what} is unavailable: {exception.Message}");
        }
    }
}
