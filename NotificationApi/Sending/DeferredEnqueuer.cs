using System.Threading.Channels;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Pushboard.NotificationApi.Sending;

// Notifications accepted while Redis was unreachable: they are stored, and queued for resolution here as soon as
// Redis is back. Kept in memory only; after a crash the stalled-notification sweeper queues them.
// Bounded without losing anything accepted: a request takes a place (TryReserve) before its notification is stored,
// and holds it until the notification is in Redis, so a notification is either refused before it is stored or sure to
// have room here; a 202 keeps meaning stored and on its way.
public sealed partial class DeferredEnqueuer(WorkQueue queue, IOptions<DeferredEnqueueOptions> options, ILogger<DeferredEnqueuer> logger)
    : BackgroundService
{
    // Unbounded as a channel: the places (_held, at most Capacity) bound it.
    private readonly Channel<(Guid NotificationId, string? TraceParent)> _waiting =
        Channel.CreateUnbounded<(Guid, string?)>(new UnboundedChannelOptions { SingleReader = true });

    private int _held;

    public bool TryReserve()
    {
        if (Interlocked.Increment(ref _held) <= options.Value.Capacity)
        {
            return true;
        }

        Release();
        LogFull(options.Value.Capacity);
        return false;
    }

    // For a reserved place whose notification was not stored after all (a replay, an error).
    public void Release() => Interlocked.Decrement(ref _held);

    // Takes over the place reserved for this notification.
    public async Task EnqueueResolveAsync(Guid notificationId, string? traceParent)
    {
        if (await queue.TryEnqueueResolveAsync(notificationId, traceParent))
        {
            Release();
            return;
        }

        _waiting.Writer.TryWrite((notificationId, traceParent));
        LogDeferred(notificationId);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var (notificationId, traceParent) in _waiting.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await queue.EnqueueResolveAsync(notificationId, traceParent, stoppingToken);
            }
            catch (RedisException exception)
            {
                LogEnqueueFailed(notificationId, exception);
            }
            finally
            {
                Release();
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "Notification {NotificationId} is stored, and queued once Redis is reachable again")]
    private partial void LogDeferred(Guid notificationId);

    [LoggerMessage(LogLevel.Warning, "A notification was refused before it was stored: {Capacity} are already waiting for Redis")]
    private partial void LogFull(int capacity);

    [LoggerMessage(LogLevel.Error, "Queueing notification {NotificationId} failed; the stalled-notification sweeper queues it later")]
    private partial void LogEnqueueFailed(Guid notificationId, Exception exception);
}
