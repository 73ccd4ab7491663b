using StackExchange.Redis;

namespace Pushboard.ServiceDefaults.Redis;

// A consumer group on a Redis stream, through which the replicas of a service share its entries: each entry goes to
// one consumer and stays pending until that consumer acknowledges it, so entries left by a consumer that died can be
// claimed by another.
public sealed class StreamConsumerGroup(IConnectionMultiplexer redis, string stream, string group)
{
    private const string FirstPendingEntry = "0-0";

    // One script, so that no consumer can take an entry between the check that it holds none and its deletion: a name
    // deleted with pending entries would take them out of the group, and no other consumer could claim them. XINFO
    // answers each consumer as a flat list of field names and values; a stream or group not made yet has nobody to forget.
    private static readonly LuaScript ForgetIdleConsumers = LuaScript.Prepare("""
        local ok, consumers = pcall(redis.call, 'XINFO', 'CONSUMERS', @stream, @group)
        if not ok then
            return 0
        end
        local forgotten = 0
        for _, consumer in ipairs(consumers) do
            local fields = {}
            for i = 1, #consumer, 2 do
                fields[consumer[i]] = consumer[i + 1]
            end
            if fields['pending'] == 0 and fields['idle'] >= tonumber(@idleMilliseconds) then
                redis.call('XGROUP', 'DELCONSUMER', @stream, @group, fields['name'])
                forgotten = forgotten + 1
            end
        end
        return forgotten
        """);

    // Where the next XAUTOCLAIM goes on scanning the pending entries. One call looks at no more than ten times its count
    // of them: always starting from the first, a few entries being worked on at the head of the list would hide the
    // entries of a dead consumer behind them for as long as they last. A string, so that concurrent callers swap it
    // whole; a stale one only scans some entries again.
    private string _claimFrom = FirstPendingEntry;

    private int _turn;

    public string Name => group;

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

    // Takes over the entries other consumers took and left unacknowledged for at least `idleFor`; each call scans on
    // from where the last one stopped, and from the first pending entry again once it reached the end.
    public async Task<StreamEntry[]> ClaimIdleAsync(string consumer, TimeSpan idleFor, int count)
    {
        var claimed = await redis.GetDatabase().StreamAutoClaimAsync(
            stream, group, consumer, (long)idleFor.TotalMilliseconds, _claimFrom, count);
        _claimFrom = (string?)claimed.NextStartId ?? FirstPendingEntry;
        return claimed.ClaimedEntries;
    }

    // Entries other consumers left idle for `claimIdle` and new entries take turns going first; the other kind is read
    // when the first has none. Were claims always first, entries that fail again and again (a long FCM outage) would
    // keep the new ones from ever being read.
    public async Task<StreamEntry[]> ReadAsync(string consumer, TimeSpan claimIdle, int count)
    {
        var newFirst = (Interlocked.Increment(ref _turn) & 1) == 0;
        var entries = newFirst ? await ReadNewAsync(consumer, count) : await ClaimIdleAsync(consumer, claimIdle, count);
        if (entries.Length > 0)
        {
            return entries;
        }

        return newFirst ? await ClaimIdleAsync(consumer, claimIdle, count) : await ReadNewAsync(consumer, count);
    }

    public Task<StreamEntry[]> ReadNewAsync(string consumer, int count) =>
        redis.GetDatabase().StreamReadGroupAsync(stream, group, consumer, StreamPosition.NewMessages, count);

    // Resets the idle time of an entry the consumer is still working on, so that no other consumer claims it.
    public Task ResetIdleAsync(string consumer, RedisValue id) =>
        redis.GetDatabase().StreamClaimIdsOnlyAsync(stream, group, consumer, 0, [id]);

    // Whether an entry is still in the stream: not read yet, or read and not acknowledged (acknowledged ones are deleted).
    public async Task<bool> HoldsAsync(RedisValue id) =>
        (await redis.GetDatabase().StreamRangeAsync(stream, id, id, count: 1)).Length > 0;

    // Done with an entry: it leaves the stream, then the group's pending list, so the stream stays as long as the work in
    // flight (each stream here has this one group: no other reader needs the entry). Deleted first: should the process
    // die in between, the next XAUTOCLAIM drops the pending reference to the deleted entry.
    public async Task AcknowledgeAsync(RedisValue id)
    {
        var database = redis.GetDatabase();
        await database.StreamDeleteAsync(stream, [id]);
        await database.StreamAcknowledgeAsync(stream, group, id);
    }

    // Deletes the names of consumers that hold no pending entry and were idle for at least `idleFor` (XINFO's `idle`:
    // since the last entry given on Redis 7.0, since the last read on 7.2 and later): those of stopped processes.
    // Returns how many.
    public async Task<long> ForgetIdleConsumersAsync(TimeSpan idleFor)
    {
        var forgotten = await redis.GetDatabase().ScriptEvaluateAsync(ForgetIdleConsumers,
            new { stream = (RedisKey)stream, group, idleMilliseconds = (long)idleFor.TotalMilliseconds });
        return (long)forgotten;
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
