using System.Globalization;
using StackExchange.Redis;

namespace Pushboard.NotificationApi.Sending;

public enum WorkKind
{
    // Resolve a notification's targets into pending deliveries, page by page.
    Resolve,
    // Send one range of a notification's pending deliveries.
    Send,
}

public sealed record WorkItem(WorkKind Kind, Guid NotificationId, long FirstDeliveryId, long LastDeliveryId, string? TraceParent);

// The Redis stream every NotificationApi instance reads through one consumer group: an entry is acknowledged only
// once its work is recorded in Postgres, and entries of a worker that died are claimed by another (XAUTOCLAIM).
public sealed class WorkQueue(IConnectionMultiplexer redis)
{
    public const string StreamName = "notifications:work";
    public const string GroupName = "senders";

    public Task EnqueueResolveAsync(Guid notificationId, string? traceParent) =>
        AddAsync(new WorkItem(WorkKind.Resolve, notificationId, 0, 0, traceParent));

    public Task EnqueueSendAsync(Guid notificationId, long firstDeliveryId, long lastDeliveryId, string? traceParent) =>
        AddAsync(new WorkItem(WorkKind.Send, notificationId, firstDeliveryId, lastDeliveryId, traceParent));

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
        var claimed = await database.StreamAutoClaimAsync(StreamName, GroupName, consumer, (long)claimIdle.TotalMilliseconds, "0-0", count);
        var entries = claimed.ClaimedEntries.Length > 0
            ? claimed.ClaimedEntries
            : await database.StreamReadGroupAsync(StreamName, GroupName, consumer, ">", count);
        return [.. entries.Where(entry => !entry.IsNull).Select(entry => (entry.Id, Parse(entry)))];
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

    private Task AddAsync(WorkItem item) =>
        redis.GetDatabase().StreamAddAsync(StreamName,
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
