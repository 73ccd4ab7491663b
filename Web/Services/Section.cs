namespace Pushboard.Web.Services;

// One part of a page loaded on its own: its value, or why it is unavailable. A service that is down makes its own
// parts unavailable and leaves the rest of the page alone.
public sealed record Section<T>(T? Value, string? Problem) where T : class
{
    public bool Available => Value is not null;

    // A cancelled token that is not the page's own (stopping) is a deadline: the source is unavailable.
    public static async Task<Section<T>> LoadAsync(string what, Func<CancellationToken, Task<T>> load, CancellationToken cancellationToken, CancellationToken stopping)
    {
        try
        {
            return new Section<T>(await load(cancellationToken), null);
        }
        catch (Exception exception) when (ApiFailure.IsAny(exception) || exception is System.Text.Json.JsonException
            || (exception is OperationCanceledException && !stopping.IsCancellationRequested))
        {
            return new Section<T>(null, exception is OperationCanceledException ? $"{what} did not answer in time." : $"{what} is unavailable: {exception.Message}");
        }
    }
}
