using Microsoft.EntityFrameworkCore;
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
        var count = await new DeviceExpiry(db, clock).ExpireInactiveAsync(CancellationToken.None);

        Assert.True(count >= 1);
        var devices = await db.Devices.AsNoTracking().Where(d => d.DeviceId == expired || d.DeviceId == recent || d.DeviceId == alreadyInvalid).ToDictionaryAsync(d => d.DeviceId);
        Assert.Equal(("invalid", "expired", now.UtcDateTime), (devices[expired].Status, devices[expired].InvalidReason, devices[expired].UpdatedAt));
        Assert.Equal("token-" + expired, devices[expired].FcmToken);
        Assert.Equal(("active", (string?)null), (devices[recent].Status, devices[recent].InvalidReason));
        Assert.Equal(("invalid", "unregistered"), (devices[alreadyInvalid].Status, devices[alreadyInvalid].InvalidReason));

        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await new DeviceExpiry(db, clock).ExpireInactiveAsync(CancellationToken.None));
        Assert.Equal("expired", (await db.Devices.AsNoTracking().SingleAsync(d => d.DeviceId == recent)).InvalidReason);
    }

    private static async Task SeedAsync(NpgsqlDataSource dataSource, string id, string status, DateTimeOffset lastSeen)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO devices (device_id, fcm_token, platform, status, invalid_reason, created_at, updated_at, token_updated_at, last_seen_at)
            VALUES ($1, 'token-' || $1, 'android', $2, CASE WHEN $2 = 'invalid' THEN 'unregistered' END, $3, $3, $3, $3)
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = status });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = lastSeen.UtcDateTime });
        await command.ExecuteNonQueryAsync();
    }
}
