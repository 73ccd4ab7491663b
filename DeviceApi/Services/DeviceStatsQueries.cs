using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pushboard.Contracts.Stats;
using Pushboard.DeviceApi.Infrastructure;

namespace Pushboard.DeviceApi.Services;

// The reads behind GET /api/devices/stats. Counting the registry by platform and status scans every device (a quarter
// of a second at 1,000,000), so those counts are kept here and counted again in the background once older than
// DeviceStats:RegistryMaxAge; only the very first call waits for them. The daily activity is a sum over the few rows of
// the daily rollup, read on each call.
public sealed partial class DeviceStatsQueries(
    IServiceScopeFactory scopes,
    TimeProvider timeProvider,
    IOptions<DeviceStatsOptions> options,
    ILogger<DeviceStatsQueries> logger)
{
    public const int Days = 30;

    private readonly Lock _lock = new();
    private Task<RegistryCounts>? _counting;
    private RegistryCounts? _latest;

    public async Task<DeviceStats> GetAsync(CancellationToken cancellationToken)
    {
        var registry = await RegistryAsync();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DevicesDbContext>();
        var today = DateOnly.FromDateTime(timeProvider.GetUtcNow().UtcDateTime);
        var first = today.AddDays(1 - Days);
        var days = await db.DeviceDays.AsNoTracking()
            .Where(d => d.Day >= first)
            .GroupBy(d => d.Day)
            .Select(g => new DeviceDay(g.Key, g.Sum(d => (long)d.Registrations), g.Sum(d => (long)d.TokenRefreshes), g.Sum(d => (long)d.Invalidations)))
            .ToDictionaryAsync(d => d.Day, cancellationToken);
        var daily = Enumerable.Range(0, Days).Select(i => first.AddDays(i))
            .Select(day => days.GetValueOrDefault(day) ?? new DeviceDay(day, 0, 0, 0))
            .ToList();
        return new DeviceStats(registry.AsOf, registry.ByPlatform, registry.ByStatus, daily);
    }

    // The latest counts; a count that fails keeps the previous ones (and is tried again on the next call).
    private Task<RegistryCounts> RegistryAsync()
    {
        lock (_lock)
        {
            var latest = _latest;
            if (latest is not null && timeProvider.GetUtcNow().UtcDateTime - latest.AsOf < options.Value.RegistryMaxAge)
            {
                return Task.FromResult(latest);
            }

            // On the pool, so that a count failing at once clears _counting after it was stored here, not before: stored
            // after, its failed task would stand for every later count.
            _counting ??= Task.Run(CountRegistryAsync);
            return latest is null ? _counting : Task.FromResult(latest);
        }
    }

    // Not cancelled with the call that started it: later calls wait for the same count.
    private async Task<RegistryCounts> CountRegistryAsync()
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<DevicesDbContext>();
            var asOf = timeProvider.GetUtcNow().UtcDateTime;
            var groups = await db.Devices.AsNoTracking()
                .GroupBy(d => new { d.Platform, d.Status })
                .Select(g => new { g.Key.Platform, g.Key.Status, Count = g.LongCount() })
                .ToListAsync(CancellationToken.None);
            var counts = new RegistryCounts(
                asOf,
                groups.GroupBy(g => g.Platform, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(x => x.Count), StringComparer.Ordinal),
                groups.GroupBy(g => g.Status, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(x => x.Count), StringComparer.Ordinal));
            lock (_lock)
            {
                _latest = counts;
            }

            return counts;
        }
        catch (Exception exception)
        {
            LogCountFailed(exception);
            lock (_lock)
            {
                // A refresh in the background has no caller to see its exception: it ends with the previous counts.
                if (_latest is { } previous)
                {
                    return previous;
                }
            }

            throw;
        }
        finally
        {
            lock (_lock)
            {
                _counting = null;
            }
        }
    }

    private sealed record RegistryCounts(DateTime AsOf, Dictionary<string, long> ByPlatform, Dictionary<string, long> ByStatus);

    [LoggerMessage(LogLevel.Warning, "Counting the registry by platform and status failed; the stats keep the previous counts")]
    private partial void LogCountFailed(Exception exception);
}
