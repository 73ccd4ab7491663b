using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Pushboard.FcmEmulator.Model;

// Bearer tokens handed out by /token, remembered until they expire.
public sealed class AccessTokens(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);
    private const int PruneThreshold = 10_000;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _expiries = new(StringComparer.Ordinal);
    private long _issued;

    // How many tokens /token has handed out since the emulator started.
    public long Issued => Interlocked.Read(ref _issued);

    public string Issue()
    {
        var token = "ya29.emulator." + Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        var now = time.GetUtcNow();
        if (_expiries.Count > PruneThreshold)
        {
            foreach (var (expired, _) in _expiries.Where(entry => entry.Value <= now))
            {
                _expiries.TryRemove(expired, out _);
            }
        }

        _expiries[token] = now + Lifetime;
        Interlocked.Increment(ref _issued);
        return token;
    }

    // As Google may before a token expires (a key deleted, an account disabled): every token handed out so far is refused.
    public void RevokeAll() => _expiries.Clear();

    public bool IsValid(string? authorizationHeader)
    {
        const string scheme = "Bearer ";
        if (authorizationHeader is null || !authorizationHeader.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return _expiries.TryGetValue(authorizationHeader[scheme.Length..].Trim(), out var expiry) && expiry > time.GetUtcNow();
    }
}
