using System.Globalization;
using Polly;
using Polly.Retry;
using Pushboard.ServiceDefaults.Redis;
using StackExchange.Redis;

namespace Pushboard.NotificationApi.Sending;

// The Redis stream every NotificationApi instance reads through one consumer group: an entry is acknowledged only
// once its work is recorded in Postgres, and entries of a worker that died are claimed by another (XAUTOCLAIM).
public sealed class WorkQueue(IConnectionMultiplexer redis, TimeProvider time)
{
    public const string StreamName = "notifications:work";
    public const string GroupName = "senders";

    // While Redis is unreachable an enqueue waits for it: the work that produced the item (a page of deliveries
    // already written) keeps its place instead of failing and leaving pending deliveries without a work item.
    private static readonly ResiliencePipeline UntilRedisIsBack = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<RedisConnectionException>().Handle<RedisTimeoutException>(),
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(500),
            MaxDelay = TimeSpan.FromSeconds(5),
        })
        .Build();

    private readonly StreamConsumerGroup _group = new(redis, StreamName, GroupName);
    private readonly IdleReaders _idle = new(time);

    // Each enqueue returns the id of its entry.
    public ValueTask<RedisValue> EnqueueResolveAsync(Guid notificationId, string? traceParent, CancellationToken cancellationToken) =>
        UntilRedisIsBack.ExecuteAsync(_ => AddAsync(ResolveItem(notificationId, traceParent)), cancellationToken);

    public ValueTask<RedisValue> EnqueueSendAsync(
        Guid notificationId, long firstDeliveryId, long lastDeliveryId, string? traceParent, CancellationToken cancellationToken) =>
        UntilRedisIsBack.ExecuteAsync(_ => AddAsync(new WorkItem(WorkKind.Send, notificationId, firstDeliveryId, lastDeliveryId, traceParent)), cancellationToken);

    // A local-time moment's deliveries in the range, due by `dueBy` (WorkItem.DueBy).
    public ValueTask<RedisValue> EnqueueMomentAsync(Guid notificationId, long firstDeliveryId, long lastDeliveryId, DateTime dueBy, CancellationToken cancellationToken) =>
        UntilRedisIsBack.ExecuteAsync(
            _ => AddAsync(new WorkItem(WorkKind.Send, notificationId, firstDeliveryId, lastDeliveryId, null, dueBy)), cancellationToken);

    // For the POST: fails at once instead of waiting while Redis is unreachable.
    public async Task<bool> TryEnqueueResolveAsync(Guid notificationId, string? traceParent)
    {
        if (!redis.IsConnected)
        {
            return false;
        }

        try
        {
            await AddAsync(ResolveItem(notificationId, traceParent));
            return true;
        }
        catch (Exception exception) when (exception is RedisException or RedisTimeoutException)
        {
            // Unreachable, timing out (a TimeoutException, not a RedisException), or refusing the write (OOM, READONLY,
            // MISCONF): the notification is stored, so the deferred path queues it later.
            return false;
        }
    }

    public Task EnsureGroupAsync() => _group.EnsureAsync();

    public async Task<IReadOnlyList<(RedisValue Id, WorkItem Item)>> ReadAsync(string consumer, TimeSpan claimIdle, int count)
    {
        try
        {
            var entries = await _group.ReadAsync(consumer, claimIdle, count);
            if (entries.Length > 0)
            {
                _idle.WorkArrived();
            }

            return [.. entries.Where(entry => !entry.IsNull).Select(entry => (entry.Id, Parse(entry)))];
        }
        catch (RedisServerException exception) when (StreamConsumerGroup.IsMissing(exception))
        {
            // Redis came back without its data: the group is made again, and the stalled-notification sweeper queues the lost work.
            await _group.EnsureAsync();
            return [];
        }
    }

    // Before reading again an empty queue (IdleReaders).
    public Task WaitForWorkAsync(TimeSpan idlePoll, CancellationToken cancellationToken) => _idle.WaitAsync(idlePoll, cancellationToken);

    // Resets the idle time of an entry this consumer is still working on.
    public Task ReclaimAsync(string consumer, RedisValue id) => _group.ResetIdleAsync(consumer, id);

    public Task AcknowledgeAsync(RedisValue id) => _group.AcknowledgeAsync(id);

    public Task<long> PendingCountAsync() => _group.PendingCountAsync();

    public Task<bool> HoldsAsync(RedisValue id) => _group.HoldsAsync(id);

    private static WorkItem ResolveItem(Guid notificationId, string? traceParent) =>
        new(WorkKind.Resolve, notificationId, 0, 0, traceParent);

    private async ValueTask<RedisValue> AddAsync(WorkItem item)
    {
        var id = await redis.GetDatabase().StreamAddAsync(StreamName,
        [
            new("kind", item.Kind.ToString()),
            new("notification", item.NotificationId.ToString()),
            new("first", item.FirstDeliveryId),
            new("last", item.LastDeliveryId),
            new("traceparent", item.TraceParent ?? ""),
            new("due", item.DueBy is { } dueBy ? dueBy.Ticks : ""),
        ]);
        _idle.WorkArrived();
        return id;
    }

    private static WorkItem Parse(StreamEntry entry)
    {
        var traceParent = (string?)entry["traceparent"];
        var due = (string?)entry["due"];
        return new WorkItem(
            Enum.Parse<WorkKind>((string)entry["kind"]!),
            Guid.Parse((string)entry["notification"]!),
            long.Parse((string)entry["first"]!, CultureInfo.InvariantCulture),
            long.Parse((string)entry["last"]!, CultureInfo.InvariantCulture),
            string.IsNullOrEmpty(traceParent) ? null : traceParent,
            string.IsNullOrEmpty(due) ? null : new DateTime(long.Parse(due, CultureInfo.InvariantCulture), DateTimeKind.Utc));
    }
}
