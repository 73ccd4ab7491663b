using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;

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

// Counts what messages:send answered. A duplicate is an accepted message whose target and exact payload (the whole
// message as received) were accepted before: what a sender re-sending a delivery looks like to FCM. The hashes of the
// last duplicateCapacity accepted messages are remembered, the oldest forgotten first.
public sealed class SendStatistics(int duplicateCapacity)
{
    private readonly Lock _gate = new();
    private readonly HashSet<UInt128> _seen = [];
    private readonly Queue<UInt128> _seenOrder = new();
    private long _accepted;
    private long _duplicates;
    private readonly ConcurrentDictionary<string, long> _rejected = new(StringComparer.Ordinal);

    public void Accepted(ReadOnlySpan<byte> message)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(message, hash);
        var key = BinaryPrimitives.ReadUInt128LittleEndian(hash);
        lock (_gate)
        {
            _accepted++;
            if (!_seen.Add(key))
            {
                _duplicates++;
                return;
            }

            _seenOrder.Enqueue(key);
            if (_seenOrder.Count > duplicateCapacity)
            {
                _seen.Remove(_seenOrder.Dequeue());
            }
        }
    }

    public void Rejected(string errorCode) => _rejected.AddOrUpdate(errorCode, 1, (_, count) => count + 1);

    public object Snapshot()
    {
        lock (_gate)
        {
            return new { accepted = _accepted, duplicates = _duplicates, rejected = _rejected.ToDictionary() };
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _accepted = 0;
            _duplicates = 0;
            _seen.Clear();
            _seenOrder.Clear();
            _rejected.Clear();
        }
    }
}
