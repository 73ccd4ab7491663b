using System.Globalization;
using Polly;
using Polly.Retry;
using StackExchange.Redis;

namespace Pushboard.NotificationApi.Sending;

// The Redis stream every NotificationApi instance reads through one consumer group: an entry is acknowledged only
// once its work is recorded in Postgres, and entries of a worker that died are claimed by another (XAUTOCLAIM).
public sealed class WorkQueue(IConnectionMultiplexer redis)
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

    public ValueTask EnqueueResolveAsync(Guid notificationId, string? traceParent, CancellationToken cancellationToken) =>
        UntilRedisIsBack.ExecuteAsync(_ => AddAsync(ResolveItem(notificationId, traceParent)), cancellationToken);

    public ValueTask EnqueueSendAsync(Guid notificationId, long firstDeliveryId, long lastDeliveryId, string? traceParent, CancellationToken cancellationToken) =>
        UntilRedisIsBack.ExecuteAsync(_ => AddAsync(new WorkItem(WorkKind.Send, notificationId, firstDeliveryId, lastDeliveryId, traceParent)), cancellationToken);

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
        catch (Exception exception) when (exception is RedisConnectionException or RedisTimeoutException)
        {
            return false;
        }
    }

    public async Task EnsureGroupAsync()
    {
        try
        {
            await redis.GetDatabase().StreamCreateConsumerGroupAsync(StreamName, GroupName, "0-0", createStream: true);
        }
        catch (RedisServerException exception) when (exception.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
        }
    }

    public async Task<IReadOnlyList<(RedisValue Id, WorkItem Item)>> ReadAsync(string consumer, TimeSpan claimIdle, int count)
    {
        var database = redis.GetDatabase();
        try
        {
            var claimed = await database.StreamAutoClaimAsync(StreamName, GroupName, consumer, (long)claimIdle.TotalMilliseconds, "0-0", count);
            var entries = claimed.ClaimedEntries.Length > 0
                ? claimed.ClaimedEntries
                : await database.StreamReadGroupAsync(StreamName, GroupName, consumer, ">", count);
            return [.. entries.Where(entry => !entry.IsNull).Select(entry => (entry.Id, Parse(entry)))];
        }
        catch (RedisServerException exception) when (exception.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
        {
            // Redis came back without its data: the group is made again, and the stalled-notification sweeper queues the lost work.
            await EnsureGroupAsync();
            return [];
        }
    }

    // Resets the idle time of an entry this consumer is still working on.
    public Task ReclaimAsync(string consumer, RedisValue id) =>
        redis.GetDatabase().StreamClaimIdsOnlyAsync(StreamName, GroupName, consumer, 0, [id]);

    public Task AcknowledgeAsync(RedisValue id) => redis.GetDatabase().StreamAcknowledgeAsync(StreamName, GroupName, id);

    public async Task<long> PendingCountAsync()
    {
        var info = await redis.GetDatabase().StreamPendingAsync(StreamName, GroupName);
        return info.PendingMessageCount;
    }

    private static WorkItem ResolveItem(Guid notificationId, string? traceParent) =>
        new(WorkKind.Resolve, notificationId, 0, 0, traceParent);

    private async ValueTask AddAsync(WorkItem item) =>
        await redis.GetDatabase().StreamAddAsync(StreamName,
        [
            new("kind", item.Kind.ToString()),
            new("notification", item.NotificationId.ToString()),
            new("first", item.FirstDeliveryId),
            new("last", item.LastDeliveryId),
            new("traceparent", item.TraceParent ?? ""),
        ]);

    private static WorkItem Parse(StreamEntry entry)
    {
        var traceParent = (string?)entry["traceparent"];
        return new WorkItem(
            Enum.Parse<WorkKind>((string)entry["kind"]!),
            Guid.Parse((string)entry["notification"]!),
            long.Parse((string)entry["first"]!, CultureInfo.InvariantCulture),
            long.Parse((string)entry["last"]!, CultureInfo.InvariantCulture),
            string.IsNullOrEmpty(traceParent) ? null : traceParent);
    }
}
