using Npgsql;
using Pushboard.Contracts.Segments;
using Pushboard.DeviceApi.Model;

namespace Pushboard.DeviceApi.Infrastructure;

// Segment: the conditions of a segment as well (docs/deviceapi.md#segments).
public sealed record DeviceFilter(string? UserId, string? Platform, string? Status, bool? Stale, Segment? Segment = null);

// The read paths of the registry as single SQL statements on the multiplexed data source: one round trip each.
// DeviceWriter has the writes.
public sealed class DeviceStore(NpgsqlDataSource dataSource, TimeProvider timeProvider)
{
    private const string FindSql = $"SELECT {DeviceRows.Selected} FROM devices WHERE device_id = $1";

    private const string ExistsSql = "SELECT EXISTS (SELECT 1 FROM devices WHERE device_id = $1)";

    private const string FindManySql = $"SELECT {DeviceRows.Selected} FROM devices WHERE device_id = ANY($1)";

    public async Task<Device?> FindAsync(string deviceId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(FindSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = deviceId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? DeviceRows.Read(reader) : null;
    }

    public async Task<bool> ExistsAsync(string deviceId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ExistsSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = deviceId });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<List<Device>> FindManyAsync(IReadOnlyCollection<string> deviceIds, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(FindManySql);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. deviceIds] });
        return await ReadAllAsync(command, cancellationToken);
    }

    // One page in deviceId order (bytewise: the column's collation is "C"), starting after `afterDeviceId`.
    public async Task<List<Device>> ListAsync(DeviceFilter filter, string? afterDeviceId, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand();
        var conditions = new List<string>(12);
        void Where(string condition, NpgsqlParameter parameter)
        {
            command.Parameters.Add(parameter);
            conditions.Add(condition.Replace("@", "$" + command.Parameters.Count));
        }

        if (filter.UserId is not null)
        {
            Where("user_id = @", new NpgsqlParameter<string> { TypedValue = filter.UserId });
        }

        if (filter.Platform is not null)
        {
            Where("platform = @", new NpgsqlParameter<string> { TypedValue = filter.Platform });
        }

        if (filter.Status is not null)
        {
            Where("status = @", new NpgsqlParameter<string> { TypedValue = filter.Status });
        }

        if (filter.Stale is { } stale)
        {
            var cutoff = timeProvider.GetUtcNow().UtcDateTime - TokenLifetime.StaleAfter;
            Where(stale ? "token_updated_at < @" : "token_updated_at >= @", new NpgsqlParameter<DateTime> { TypedValue = cutoff });
        }

        if (filter.Segment is { } segment)
        {
            SegmentConditions.Add(segment, timeProvider.GetUtcNow().UtcDateTime, command.Parameters, conditions);
        }

        if (afterDeviceId is not null)
        {
            Where("device_id > @", new NpgsqlParameter<string> { TypedValue = afterDeviceId });
        }

        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var where = conditions.Count == 0 ? "" : "WHERE " + string.Join(" AND ", conditions);
        var limitParameter = "$" + command.Parameters.Count;
        command.CommandText = filter.Segment is null
            ? $"SELECT {DeviceRows.Selected} FROM devices {where} ORDER BY device_id LIMIT {limitParameter}"
            // A segment's page is found as ids first: with a language that is an index-only walk of
            // ix_devices_language_device_id, whose included columns hold the other conditions; then only the page is read.
            : $"SELECT {DeviceRows.Selected} FROM devices WHERE device_id IN (SELECT device_id FROM devices {where} ORDER BY device_id LIMIT {limitParameter}) ORDER BY device_id";
        return await ReadAllAsync(command, cancellationToken);
    }

    // The exact number of active devices the segment matches now.
    public async Task<long> CountAsync(Segment segment, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand();
        var conditions = new List<string>(10) { "status = 'active'" };
        SegmentConditions.Add(segment, timeProvider.GetUtcNow().UtcDateTime, command.Parameters, conditions);
        command.CommandText = "SELECT count(*) FROM devices WHERE " + string.Join(" AND ", conditions);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<List<Device>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var devices = new List<Device>();
        while (await reader.ReadAsync(cancellationToken))
        {
            devices.Add(DeviceRows.Read(reader));
        }

        return devices;
    }
}
