using Microsoft.Extensions.Options;
using Npgsql;
using Pushboard.Contracts;
using Pushboard.DeviceApi.Identity;
using Pushboard.DeviceApi.Model;
using Pushboard.DeviceApi.Services;

namespace Pushboard.DeviceApi.Infrastructure;

public sealed record DeviceRegistration(
    string FcmToken, string Platform, string? UserId, string? AppVersion, string? Locale, string? TimeZone, IReadOnlyDictionary<string, string> Tags);

public sealed record TokenRefresh(string DeviceId, string FcmToken, DeviceAccess Access);

// What a merge patch did: the device as written; or null: not found, Refused (the caller may not write it) or
// TooManyTags, nothing written.
public sealed record PatchResult(Device? Device, bool TooManyTags, bool Refused);

// The write paths of the registry as single SQL statements on a pooled connection: one round trip each.
// Token ownership lives in the statements and the unique index on the token: a write whose token another device holds
// is refused by the index and runs again taking the token from its holder in the same statement, behind a per-token
// lock so that writers of one token take turns.
public sealed partial class DeviceWriter(
    [FromKeyedServices(DeviceWriter.WritesKey)] NpgsqlDataSource writes,
    TimeProvider timeProvider,
    IOptions<DeviceWriterOptions> options,
    DeviceMetrics metrics,
    ILogger<DeviceWriter> logger)
{
    public const string WritesKey = "devicesdb-writes";

    // Writers of the same token queue up behind this lock (held until the batch's implicit transaction commits), so
    // the next one's statement starts after the previous one committed and sees the token's current holder.
    // Without it, writers racing for one token would each fail on the unique index and retry in a storm.
    private const string LockTokenSql = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))";

    // Then the device's row and the token holder's row are locked in device_id order. Two devices swapping tokens
    // would otherwise each lock its own row first and wait for the other's: a deadlock that Postgres only breaks after
    // deadlock_timeout (1 s), again and again under a swap storm.
    private const string LockRowsSql = """
        SELECT 1 FROM devices
        WHERE device_id IN (SELECT $1 UNION ALL SELECT device_id FROM devices WHERE md5(fcm_token) = md5($2) AND fcm_token = $2)
        ORDER BY device_id FOR UPDATE
        """;

    // The caller may write row d (DeviceAccess): the admin key ($5), an unclaimed device, or the secret's hash ($6).
    // The hashes are compared by Postgres, not in constant time: timing could reveal at most a prefix of the SHA-256
    // of what the caller sent, which says nothing about the secret. A claim keeps the row's hash or sets $7
    // (COALESCE): the row is locked by the write, so two claims of one device cannot both win.
    private const string Allowed = "($5 OR d.secret_hash IS NULL OR d.secret_hash = $6)";

    // Takes the token from whichever other device holds it, but only for a write that will happen: the device exists
    // and the caller may write it, or it is a registration ($4) of a new device.
    // Reading the count of `released` makes the release run before the device's own row is written.
    private const string ReleaseToken = $"""
        released AS (
            UPDATE devices SET fcm_token = NULL, status = 'invalid', invalid_reason = 'token_reassigned', updated_at = $3
            WHERE md5(fcm_token) = md5($2) AND fcm_token = $2 AND device_id <> $1
              AND (EXISTS (SELECT 1 FROM devices d WHERE d.device_id = $1 AND {Allowed})
                   OR ($4 AND NOT EXISTS (SELECT 1 FROM devices d WHERE d.device_id = $1)))
            RETURNING device_id),
        release AS (SELECT count(*) AS taken FROM released)
        """;

    private const string InsertDevice = $"""
        INSERT INTO devices AS d ({DeviceRows.Columns}, secret_hash)
        SELECT $1, $2, $8, $9, $10, $11, 'active', NULL, $3, $3, $3, $3, $12, $13, $7
        """;

    private const string OnDeviceConflict = $"""
        ON CONFLICT (device_id) DO UPDATE SET
            fcm_token = excluded.fcm_token, platform = excluded.platform, user_id = excluded.user_id,
            app_version = excluded.app_version, locale = excluded.locale, time_zone = excluded.time_zone, tags = excluded.tags,
            status = 'active', invalid_reason = NULL,
            updated_at = excluded.updated_at, last_seen_at = excluded.last_seen_at,
            token_updated_at = CASE WHEN d.fcm_token IS DISTINCT FROM excluded.fcm_token THEN excluded.token_updated_at ELSE d.token_updated_at END,
            secret_hash = COALESCE(d.secret_hash, excluded.secret_hash)
        WHERE {Allowed}
        """;

    private const string UpdateToken = """
        UPDATE devices AS d SET fcm_token = $2, status = 'active', invalid_reason = NULL,
            updated_at = $3, token_updated_at = $3, last_seen_at = $3, secret_hash = COALESCE(d.secret_hash, $7)
        """;

    // Each write returns the device, whether it was created, how many devices it took the token from, and whether the
    // device's stored token changed; and counts these in the day's rollup (DeviceDays) in the same statement.
    // A registration changed the token of an existing device when it set token_updated_at ($3, OnDeviceConflict). A
    // refresh reads the token it replaced with a subquery of RETURNING: it sees the statement's snapshot, from before
    // the write (two writes of one device at the same instant may count one refresh too many).
    private const string Written = "written.created, written.taken, written.token_changed";

    private static readonly string CountWrites = DeviceDays.CountCte(
        "$3", "count(*) FILTER (WHERE created)", "count(*) FILTER (WHERE token_changed AND NOT created)", "coalesce(sum(taken), 0)");

    private static readonly string RegisterSql = $"""
        WITH written AS (
            {InsertDevice} {OnDeviceConflict}
            RETURNING {DeviceRows.Selected}, xmax = 0 AS created, 0::bigint AS taken, xmax <> 0 AND token_updated_at = $3 AS token_changed),
        {CountWrites}
        SELECT {DeviceRows.Selected}, {Written} FROM written
        """;

    private static readonly string RegisterTakingTokenSql = $"""
        WITH {ReleaseToken},
        written AS (
            {InsertDevice} FROM release
            {OnDeviceConflict}
            RETURNING {DeviceRows.Selected}, xmax = 0 AS created, (SELECT taken FROM release) AS taken, xmax <> 0 AS token_changed),
        {CountWrites}
        SELECT {DeviceRows.Selected}, {Written} FROM written
        """;

    private const string TokenReplaced = "(SELECT old.fcm_token FROM devices old WHERE old.device_id = d.device_id) IS DISTINCT FROM d.fcm_token";

    private static readonly string RefreshTokenSql = $"""
        WITH written AS (
            {UpdateToken} WHERE device_id = $1 AND {Allowed}
            RETURNING {DeviceRows.Selected}, false AS created, 0::bigint AS taken, {TokenReplaced} AS token_changed),
        {CountWrites}
        SELECT {DeviceRows.Selected}, {Written} FROM written
        """;

    private static readonly string RefreshTokenTakingTokenSql = $"""
        WITH {ReleaseToken},
        written AS (
            {UpdateToken} FROM release WHERE device_id = $1 AND {Allowed}
            RETURNING {DeviceRows.Selected}, false AS created, release.taken, true AS token_changed),
        {CountWrites}
        SELECT {DeviceRows.Selected}, {Written} FROM written
        """;

    // Many refreshes in one statement, the rows locked in the order of the arrays (a nested loop over the unnest).
    // Each refresh carries its DeviceAccess (admin, presented hash, hash of a claim), checked as in Allowed.
    // It takes no token: a refresh whose token another device holds is left out (and not returned), as is one
    // whose secret does not match.
    private static readonly string RefreshTokensSql = $"""
        WITH written AS (
            UPDATE devices AS d SET fcm_token = refresh.token, status = 'active', invalid_reason = NULL,
                updated_at = $3, token_updated_at = $3, last_seen_at = $3, secret_hash = COALESCE(d.secret_hash, refresh.new_hash)
            FROM unnest($1::text[], $2::text[], $4::boolean[], $5::bytea[], $6::bytea[]) AS refresh(id, token, admin, presented, new_hash)
            WHERE d.device_id = refresh.id
              AND (refresh.admin OR d.secret_hash IS NULL OR d.secret_hash = refresh.presented)
              AND NOT EXISTS (SELECT 1 FROM devices holder
                              WHERE md5(holder.fcm_token) = md5(refresh.token) AND holder.fcm_token = refresh.token AND holder.device_id <> refresh.id)
            RETURNING {DeviceRows.Selected}, false AS created, 0::bigint AS taken, {TokenReplaced} AS token_changed),
        {CountWrites}
        SELECT {DeviceRows.Selected}, {Written} FROM written
        """;

    // Local to the batch's implicit transaction.
    private const string SetLockTimeoutSql = "SELECT set_config('lock_timeout', $1, true)";

    private const string DeleteSql = "DELETE FROM devices d WHERE d.device_id = $1 AND ($2 OR d.secret_hash IS NULL OR d.secret_hash = $3)";

    private const string LockDeviceSql = $"SELECT {DeviceRows.Selected} FROM devices WHERE device_id = $1 FOR UPDATE";

    // A device without a secret is claimed by the app-key patch ($8: the new hash; null for the admin key).
    private const string PatchSql = $"""
        UPDATE devices SET user_id = $2, app_version = $3, locale = $4, time_zone = $5, tags = $6, updated_at = $7,
            secret_hash = COALESCE(secret_hash, $8)
        WHERE device_id = $1
        RETURNING {DeviceRows.Selected}
        """;

    private const string ReplaceSecretSql = "UPDATE devices SET secret_hash = $2 WHERE device_id = $1";

    // Null when the device exists and `access` may not write it (nothing was written).
    public async Task<(Device? Device, bool Created)> RegisterAsync(
        string deviceId, DeviceRegistration registration, DeviceAccess access, CancellationToken cancellationToken) =>
        await WriteAsync(RegisterSql, RegisterTakingTokenSql, deviceId, registration.FcmToken, access, registration, cancellationToken);

    // Null when the device does not exist or `access` may not write it (nothing was written).
    public async Task<Device?> RefreshTokenAsync(TokenRefresh refresh, CancellationToken cancellationToken)
    {
        var (device, _) = await WriteAsync(
            RefreshTokenSql, RefreshTokenTakingTokenSql, refresh.DeviceId, refresh.FcmToken, refresh.Access, registration: null, cancellationToken);
        return device;
    }

    // Refreshes the tokens of distinct devices to distinct tokens in one statement and returns the devices written.
    // A refresh left out (an unknown device, or a token another device holds) has to go through RefreshTokenAsync,
    // which answers the first and takes the token in the second. The statement waits at most `lockTimeout` for any
    // one lock: a batch waits on the uncommitted token of another writer (the unique index) while holding rows that
    // writer may want next, a deadlock Postgres would only break after deadlock_timeout (1 s). Such a wait, a holder
    // that commits the token meanwhile (the unique index) and a deadlock throw a PostgresException for which
    // IsRefusedBatch is true; nothing is written then.
    public async Task<Dictionary<string, Device>> RefreshTokensAsync(
        IReadOnlyList<TokenRefresh> refreshes, TimeSpan lockTimeout, CancellationToken cancellationToken)
    {
        await using var batch = writes.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(SetLockTimeoutSql)
        {
            Parameters = { new NpgsqlParameter<string> { TypedValue = $"{(int)Math.Ceiling(lockTimeout.TotalMilliseconds)}ms" } },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(RefreshTokensSql)
        {
            Parameters =
            {
                new NpgsqlParameter<string[]> { TypedValue = [.. refreshes.Select(refresh => refresh.DeviceId)] },
                new NpgsqlParameter<string[]> { TypedValue = [.. refreshes.Select(refresh => refresh.FcmToken)] },
                new NpgsqlParameter<DateTime> { TypedValue = timeProvider.GetUtcNow().UtcDateTime },
                new NpgsqlParameter<bool[]> { TypedValue = [.. refreshes.Select(refresh => refresh.Access.IsAdmin)] },
                new NpgsqlParameter<byte[]?[]> { TypedValue = [.. refreshes.Select(refresh => refresh.Access.PresentedHash)] },
                new NpgsqlParameter<byte[]?[]> { TypedValue = [.. refreshes.Select(refresh => refresh.Access.NewHash)] },
            },
        });
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        var devices = new Dictionary<string, Device>(refreshes.Count, StringComparer.Ordinal);
        var changed = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            var device = DeviceRows.Read(reader);
            devices[device.DeviceId] = device;
            changed += reader.GetBoolean(DeviceRows.SelectedCount + 2) ? 1 : 0;
        }

        metrics.TokensRefreshed(changed);
        return devices;
    }

    public static bool IsRefusedBatch(PostgresException exception) =>
        IsRace(exception) || exception.SqlState is PostgresErrorCodes.LockNotAvailable;

    // Applies a merge patch to the device's row, locked from read to write so that concurrent patches of its tags merge
    // one after the other, and a claim or a rotation of its secret cannot slip between the check and the write.
    public async Task<PatchResult> PatchAsync(string deviceId, DevicePatch patch, DeviceAccess access, CancellationToken cancellationToken)
    {
        await using var connection = await writes.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        Device? device;
        await using (var read = new NpgsqlCommand(LockDeviceSql, connection, transaction))
        {
            read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = deviceId });
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            device = await reader.ReadAsync(cancellationToken) ? DeviceRows.Read(reader) : null;
        }

        if (device is null || !access.Allows(device.SecretHash))
        {
            return new PatchResult(null, TooManyTags: false, Refused: device is not null);
        }

        var tags = patch.ClearTags ? [] : device.Tags;
        foreach (var (key, value) in patch.TagChanges)
        {
            if (value is null)
            {
                tags.Remove(key);
            }
            else
            {
                tags[key] = value;
            }
        }

        if (tags.Count > ApiPatterns.MaxTags)
        {
            return new PatchResult(null, TooManyTags: true, Refused: false);
        }

        await using var write = new NpgsqlCommand(PatchSql, connection, transaction);
        write.Parameters.Add(new NpgsqlParameter<string> { TypedValue = deviceId });
        write.Parameters.Add(Text(patch.UserId.IsSet ? patch.UserId.Value : device.UserId));
        write.Parameters.Add(Text(patch.AppVersion.IsSet ? patch.AppVersion.Value : device.AppVersion));
        write.Parameters.Add(Text(patch.Locale.IsSet ? patch.Locale.Value : device.Locale));
        write.Parameters.Add(Text(patch.TimeZone.IsSet ? patch.TimeZone.Value : device.TimeZone));
        write.Parameters.Add(new NpgsqlParameter<string> { TypedValue = DeviceTags.Serialize(tags), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Jsonb });
        write.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = timeProvider.GetUtcNow().UtcDateTime });
        write.Parameters.Add(new NpgsqlParameter<byte[]?> { TypedValue = access.NewHash, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bytea });
        Device written;
        await using (var reader = await write.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            written = DeviceRows.Read(reader);
        }

        await transaction.CommitAsync(cancellationToken);
        return new PatchResult(written, TooManyTags: false, Refused: false);
    }

    // False when nothing was deleted: the device does not exist, or `access` may not delete it.
    public async Task<bool> DeleteAsync(string deviceId, DeviceAccess access, CancellationToken cancellationToken)
    {
        await using var command = writes.CreateCommand(DeleteSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = deviceId });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = access.IsAdmin });
        command.Parameters.Add(new NpgsqlParameter<byte[]?> { TypedValue = access.PresentedHash, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bytea });
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    // The admin's `POST …/secret`: the old secret stops working with this statement. False for an unknown device.
    public async Task<bool> ReplaceSecretAsync(string deviceId, byte[] secretHash, CancellationToken cancellationToken)
    {
        await using var command = writes.CreateCommand(ReplaceSecretSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = deviceId });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = secretHash });
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    // The common write finds the token free or already the device's own: one plain statement, no lock. When another
    // device holds the token, the unique index refuses it and the write runs again, this time taking the token.
    private async Task<(Device? Device, bool Created)> WriteAsync(
        string sql, string takingTokenSql, string deviceId, string fcmToken, DeviceAccess access, DeviceRegistration? registration,
        CancellationToken cancellationToken)
    {
        var settings = options.Value;
        try
        {
            await using var command = writes.CreateCommand(sql);
            AddParameters(command.Parameters, deviceId, fcmToken, access, registration);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await ReadWrittenAsync(reader, deviceId, fcmToken, cancellationToken);
        }
        catch (PostgresException exception) when (IsRace(exception))
        {
            Log.WriteRetried(logger, deviceId, exception.SqlState, attempt: 1);
        }

        for (var attempt = 2; ; attempt++)
        {
            try
            {
                await using var batch = writes.CreateBatch();
                batch.BatchCommands.Add(new NpgsqlBatchCommand(LockTokenSql) { Parameters = { new NpgsqlParameter<string> { TypedValue = fcmToken } } });
                batch.BatchCommands.Add(new NpgsqlBatchCommand(LockRowsSql)
                {
                    Parameters = { new NpgsqlParameter<string> { TypedValue = deviceId }, new NpgsqlParameter<string> { TypedValue = fcmToken } },
                });
                var command = new NpgsqlBatchCommand(takingTokenSql);
                batch.BatchCommands.Add(command);
                AddParameters(command.Parameters, deviceId, fcmToken, access, registration);
                await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
                await reader.NextResultAsync(cancellationToken);
                await reader.NextResultAsync(cancellationToken);
                return await ReadWrittenAsync(reader, deviceId, fcmToken, cancellationToken);
            }
            catch (PostgresException exception) when (IsRace(exception) && attempt < settings.MaxAttempts)
            {
                // Two devices swapping tokens can deadlock on each other's rows; the unique index stays the last word
                // on token ownership. The next attempt starts from the committed rows.
                Log.WriteRetried(logger, deviceId, exception.SqlState, attempt);
                var maxDelay = (int)(settings.RetryDelayStep.TotalMilliseconds * attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, Math.Max(1, maxDelay))), timeProvider, cancellationToken);
            }
        }
    }

    private void AddParameters(
        NpgsqlParameterCollection parameters, string deviceId, string fcmToken, DeviceAccess access, DeviceRegistration? registration)
    {
        parameters.Add(new NpgsqlParameter<string> { TypedValue = deviceId });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = fcmToken });
        parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = timeProvider.GetUtcNow().UtcDateTime });
        parameters.Add(new NpgsqlParameter<bool> { TypedValue = registration is not null });
        parameters.Add(new NpgsqlParameter<bool> { TypedValue = access.IsAdmin });
        parameters.Add(new NpgsqlParameter<byte[]?> { TypedValue = access.PresentedHash, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bytea });
        parameters.Add(new NpgsqlParameter<byte[]?> { TypedValue = access.NewHash, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bytea });
        if (registration is not null)
        {
            parameters.Add(new NpgsqlParameter<string> { TypedValue = registration.Platform });
            parameters.Add(Text(registration.UserId));
            parameters.Add(Text(registration.AppVersion));
            parameters.Add(Text(registration.Locale));
            parameters.Add(Text(registration.TimeZone));
            parameters.Add(new NpgsqlParameter<string> { TypedValue = DeviceTags.Serialize(registration.Tags), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Jsonb });
        }
    }

    private static NpgsqlParameter<string?> Text(string? value) => new() { TypedValue = value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Varchar };

    private async Task<(Device? Device, bool Created)> ReadWrittenAsync(
        NpgsqlDataReader reader, string deviceId, string fcmToken, CancellationToken cancellationToken)
    {
        if (!await reader.ReadAsync(cancellationToken))
        {
            return (null, false);
        }

        var device = DeviceRows.Read(reader);
        var created = reader.GetBoolean(DeviceRows.SelectedCount);
        var takenFrom = reader.GetInt64(DeviceRows.SelectedCount + 1);
        if (takenFrom > 0)
        {
            Log.TokenReassigned(logger, TokenMask.Mask(fcmToken), deviceId);
        }

        metrics.Written(created, reader.GetBoolean(DeviceRows.SelectedCount + 2), takenFrom);
        return (device, created);
    }

    private static bool IsRace(PostgresException exception) =>
        exception.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected;

    private static partial class Log
    {
        [LoggerMessage(LogLevel.Information, "Token {MaskedToken} moved to device {DeviceId}; its previous holder is now invalid (token_reassigned)")]
        public static partial void TokenReassigned(ILogger logger, string maskedToken, string deviceId);

        [LoggerMessage(LogLevel.Debug, "Write for device {DeviceId} raced another writer ({SqlState}), attempt {Attempt}; retrying")]
        public static partial void WriteRetried(ILogger logger, string deviceId, string? sqlState, int attempt);
    }
}
