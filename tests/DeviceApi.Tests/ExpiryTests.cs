using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Pushboard.DeviceApi.Infrastructure;
using Pushboard.DeviceApi.Services;

namespace Pushboard.DeviceApi.Tests;

[Collection(DeviceApiCollection.Name)]
public sealed class ExpiryTests(DeviceApiFixture fixture)
{
    [Fact]
    public async Task Devices_not_seen_for_270_days_expire_and_keep_their_token()
    {
        var now = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddHours(12);
        var clock = new FakeTimeProvider(now);
        var (expired, recent, alreadyInvalid) = (TestData.NewId("old"), TestData.NewId("recent"), TestData.NewId("gone"));
        await using var dataSource = await fixture.DevicesDbAsync();
        await SeedAsync(dataSource, expired, "active", now.AddDays(-270).AddMinutes(-1));
        await SeedAsync(dataSource, recent, "active", now.AddDays(-270).AddMinutes(1));
        await SeedAsync(dataSource, alreadyInvalid, "invalid", now.AddDays(-400));

        await using var db = new DevicesDbContext(new DbContextOptionsBuilder<DevicesDbContext>().UseNpgsql(dataSource).Options);
        var count = await Expiry(db, clock).ExpireInactiveAsync(CancellationToken.None);

        Assert.True(count >= 1);
        var devices = await db.Devices.AsNoTracking().Where(d => d.DeviceId == expired || d.DeviceId == recent || d.DeviceId == alreadyInvalid).ToDictionaryAsync(d => d.DeviceId);
        Assert.Equal(("invalid", "expired", now.UtcDateTime), (devices[expired].Status, devices[expired].InvalidReason, devices[expired].UpdatedAt));
        Assert.Equal("token-" + expired, devices[expired].FcmToken);
        Assert.Equal(("active", (string?)null), (devices[recent].Status, devices[recent].InvalidReason));
        Assert.Equal(("invalid", "unregistered"), (devices[alreadyInvalid].Status, devices[alreadyInvalid].InvalidReason));

        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await Expiry(db, clock).ExpireInactiveAsync(CancellationToken.None));
        Assert.Equal("expired", (await db.Devices.AsNoTracking().SingleAsync(d => d.DeviceId == recent)).InvalidReason);
    }

    [Fact]
    public async Task Invalid_devices_are_deleted_90_days_after_they_could_expire_even_if_patched_since_and_no_other_device_is()
    {
        var now = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddHours(12);
        var clock = new FakeTimeProvider(now);
        var (longExpired, recentlyExpired, longUnregistered, recentlyUnregistered, longActive) =
            (TestData.NewId("longexp"), TestData.NewId("newexp"), TestData.NewId("longunreg"), TestData.NewId("newunreg"), TestData.NewId("longact"));
        await using var dataSource = await fixture.DevicesDbAsync();
        // Expired 270 days after it was last seen; the long-expired one had its tags patched yesterday (updatedAt).
        await SeedAsync(dataSource, longExpired, "invalid", now.AddDays(-270 - 91), "expired", updatedAt: now.AddDays(-1));
        await SeedAsync(dataSource, recentlyExpired, "invalid", now.AddDays(-270 - 89), "expired");
        // Uninstalled apps: FCM declared their tokens dead, and the apps never called again.
        await SeedAsync(dataSource, longUnregistered, "invalid", now.AddDays(-400));
        await SeedAsync(dataSource, recentlyUnregistered, "invalid", now.AddDays(-270 - 89));
        // Not expired yet (the expiry runs first): an active device is never deleted.
        await SeedAsync(dataSource, longActive, "active", now.AddDays(-400));

        await using var db = new DevicesDbContext(new DbContextOptionsBuilder<DevicesDbContext>().UseNpgsql(dataSource).Options);
        var deleted = await Expiry(db, clock).DeleteExpiredAsync(CancellationToken.None);

        Assert.True(deleted >= 2);
        string[] seeded = [longExpired, recentlyExpired, longUnregistered, recentlyUnregistered, longActive];
        var left = await db.Devices.AsNoTracking().Where(d => seeded.Contains(d.DeviceId)).Select(d => d.DeviceId).ToListAsync();
        Assert.Equal(new[] { recentlyExpired, recentlyUnregistered, longActive }.Order(StringComparer.Ordinal), left.Order(StringComparer.Ordinal));
    }

    // Before, the statement deleted what its subquery had read: a device registered again while the delete waited for its
    // row was deleted after its 200.
    [Fact]
    public async Task A_device_registered_again_while_the_sweep_waits_for_it_is_kept()
    {
        var now = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddHours(12);
        var id = TestData.NewId("back");
        await using var dataSource = await fixture.DevicesDbAsync();
        await SeedAsync(dataSource, id, "invalid", now.AddDays(-400));
        await using var registration = await dataSource.OpenConnectionAsync();
        await using var transaction = await registration.BeginTransactionAsync();
        await using (var register = new NpgsqlCommand(
            "UPDATE devices SET status = 'active', invalid_reason = NULL, last_seen_at = now() WHERE device_id = $1", registration, transaction))
        {
            register.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
            Assert.Equal(1, await register.ExecuteNonQueryAsync());
        }

        await using var db = new DevicesDbContext(new DbContextOptionsBuilder<DevicesDbContext>().UseNpgsql(dataSource).Options);
        var sweep = Expiry(db, new FakeTimeProvider(now), deleteBatchSize: 100_000).DeleteExpiredAsync(CancellationToken.None);
        await WaitForLockWaitAsync(dataSource);
        await transaction.CommitAsync();
        await sweep;

        await using var status = dataSource.CreateCommand("SELECT status FROM devices WHERE device_id = $1");
        status.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        Assert.Equal("active", await status.ExecuteScalarAsync());
    }

    private static async Task WaitForLockWaitAsync(NpgsqlDataSource dataSource)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var waiting = dataSource.CreateCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'DELETE FROM devices%'");
        while ((long)(await waiting.ExecuteScalarAsync(timeout.Token))! == 0)
        {
            await Task.Delay(50, timeout.Token);
        }
    }

    private static DeviceExpiry Expiry(DevicesDbContext db, TimeProvider clock, int deleteBatchSize = 1) =>
        new(db, clock, Options.Create(new RetentionOptions { DeleteBatchSize = deleteBatchSize }),
            new DeviceMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>()));

    private static async Task SeedAsync(
        NpgsqlDataSource dataSource, string id, string status, DateTimeOffset lastSeen, string reason = "unregistered", DateTimeOffset? updatedAt = null)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO devices (device_id, fcm_token, platform, status, invalid_reason, created_at, updated_at, token_updated_at, last_seen_at)
            VALUES ($1, 'token-' || $1, 'android', $2, CASE WHEN $2 = 'invalid' THEN $4 END, $3, $5, $3, $3)
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = status });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = lastSeen.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = reason });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = (updatedAt ?? lastSeen).UtcDateTime });
        await command.ExecuteNonQueryAsync();
    }
}
