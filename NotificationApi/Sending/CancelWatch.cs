using Pushboard.NotificationApi.Infrastructure;

namespace Pushboard.NotificationApi.Sending;

// Whether a page's notification was canceled, asked before every send that follows a wait (a retry after FCM's
// Retry-After or a backoff, a send held by FcmThrottle): after the cancel's 200 nothing more of it is handed to FCM,
// also in the middle of a chunk. Sends that ask at about the same moment share one read, but only one that began after
// they asked, so none of them acts on an answer from before the cancel. Each read has a scope of its own (the sender's
// DbContext is busy with the page).
public sealed class CancelWatch(Guid notificationId, IServiceScopeFactory scopes, TimeProvider time)
{
    private readonly Lock _lock = new();
    private Task<bool>? _reading;
    private long _readingStartedAt;

    public Task<bool> IsCanceledAsync(CancellationToken cancellationToken)
    {
        var askedAt = time.GetTimestamp();
        lock (_lock)
        {
            if (_reading is null || _readingStartedAt < askedAt)
            {
                _readingStartedAt = time.GetTimestamp();
                _reading = ReadAsync(cancellationToken);
            }

            return _reading;
        }
    }

    private async Task<bool> ReadAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DeliveryStore>().IsCanceledAsync(notificationId, cancellationToken);
    }
}
