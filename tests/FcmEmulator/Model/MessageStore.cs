using System.Collections.Concurrent;

namespace Pushboard.FcmEmulator.Model;

public sealed record StoredMessage(string Name, DateTimeOffset ReceivedAt, string? Token, string? Topic, string MessageJson);

public sealed record SendAttempt(string? Token, string? Topic, DateTimeOffset ReceivedAt, string Outcome, string Protocol);

// A bounded, newest-last log: when full, the oldest entries are dropped first.
public class BoundedLog<T>(int capacity)
{
    private readonly ConcurrentQueue<T> _entries = new();
    private int _count;

    public void Add(T entry)
    {
        _entries.Enqueue(entry);
        if (Interlocked.Increment(ref _count) > capacity && _entries.TryDequeue(out _))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    public IEnumerable<T> NewestFirst() => _entries.ToArray().Reverse();

    public void Clear()
    {
        while (_entries.TryDequeue(out _))
        {
            Interlocked.Decrement(ref _count);
        }
    }
}

public sealed class MessageStore(int capacity) : BoundedLog<StoredMessage>(capacity);

public sealed class AttemptLog(int capacity) : BoundedLog<SendAttempt>(capacity);

public sealed class SendStatistics
{
    private long _accepted;
    private readonly ConcurrentDictionary<string, long> _rejected = new(StringComparer.Ordinal);

    public void Accepted() => Interlocked.Increment(ref _accepted);

    public void Rejected(string errorCode) => _rejected.AddOrUpdate(errorCode, 1, (_, count) => count + 1);

    public object Snapshot() => new { accepted = Interlocked.Read(ref _accepted), rejected = _rejected.ToDictionary() };

    public void Reset()
    {
        Interlocked.Exchange(ref _accepted, 0);
        _rejected.Clear();
    }
}
