using StackExchange.Redis;

namespace Pushboard.ServiceDefaults.Redis;

// A consumer group on a Redis stream, through which the replicas of a service share its entries: each entry goes to
// one consumer and stays pending until that consumer acknowledges it, so entries left by a consumer that died can be
// claimed by another.
public sealed class StreamConsumerGroup(IConnectionMultiplexer redis, string stream, string group)
{
    // XAUTOCLAIM scans the pending entries from the first one on every call.
    private const string FirstPendingEntry = "0-0";

    // Creates the group (and the stream), reading from the stream's first entry; another replica or an earlier run
    // may have created it already.
    public async Task EnsureAsync()
    {
        try
        {
            await redis.GetDatabase().StreamCreateConsumerGroupAsync(stream, group, StreamPosition.Beginning, createStream: true);
        }
        catch (RedisServerException exception) when (exception.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
        }
    }

    // Takes over the entries other consumers took and left unacknowledged for at least `idleFor`.
    public async Task<StreamEntry[]> ClaimIdleAsync(string consumer, TimeSpan idleFor, int count)
    {
        var claimed = await redis.GetDatabase().StreamAutoClaimAsync(
            stream, group, consumer, (long)idleFor.TotalMilliseconds, FirstPendingEntry, count);
        return claimed.ClaimedEntries;
    }

    public Task<StreamEntry[]> ReadNewAsync(string consumer, int count) =>
        redis.GetDatabase().StreamReadGroupAsync(stream, group, consumer, StreamPosition.NewMessages, count);

    // Resets the idle time of an entry the consumer is still working on, so that no other consumer claims it.
    public Task ResetIdleAsync(string consumer, RedisValue id) =>
        redis.GetDatabase().StreamClaimIdsOnlyAsync(stream, group, consumer, 0, [id]);

    // Done with an entry: it leaves the stream, then the group's pending list, so the stream stays as long as the work in
    // flight (each stream here has this one group: no other reader needs the entry). Deleted first: should the process
    // die in between, the next XAUTOCLAIM drops the pending reference to the deleted entry.
    public async Task AcknowledgeAsync(RedisValue id)
    {
        var database = redis.GetDatabase();
        await database.StreamDeleteAsync(stream, [id]);
        await database.StreamAcknowledgeAsync(stream, group, id);
    }

    public async Task<long> PendingCountAsync()
    {
        var info = await redis.GetDatabase().StreamPendingAsync(stream, group);
        return info.PendingMessageCount;
    }

    // The group is gone (Redis came back without its data); EnsureAsync creates it again.
    public static bool IsMissing(Exception exception) =>
        exception is RedisServerException { Message: var message } && message.StartsWith("NOGROUP", StringComparison.Ordinal);
}
