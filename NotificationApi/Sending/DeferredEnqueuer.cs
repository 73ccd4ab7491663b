using System.Threading.Channels;
using StackExchange.Redis;

namespace Pushboard.NotificationApi.Sending;

// Notifications accepted while Redis was unreachable: they are stored, and queued for resolution here as soon as
// Redis is back. Kept in memory only; after a crash, or past the bound, the stalled-notification sweeper queues them.
public sealed partial class DeferredEnqueuer(WorkQueue queue, ILogger<DeferredEnqueuer> logger) : BackgroundService
{
    private const int Capacity = 100_000;

    private readonly Channel<(Guid NotificationId, string? TraceParent)> _waiting =
        Channel.CreateBounded<(Guid, string?)>(new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public async Task EnqueueResolveAsync(Guid notificationId, string? traceParent)
    {
        if (!await queue.TryEnqueueResolveAsync(notificationId, traceParent))
        {
            _waiting.Writer.TryWrite((notificationId, traceParent));
            LogDeferred(notificationId);
        }
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
        }
    }

    [LoggerMessage(LogLevel.Warning, "Notification {NotificationId} is stored, and queued once Redis is reachable again")]
    private partial void LogDeferred(Guid notificationId);

    [LoggerMessage(LogLevel.Error, "Queueing notification {NotificationId} failed; the stalled-notification sweeper queues it later")]
    private partial void LogEnqueueFailed(Guid notificationId, Exception exception);
}
