using System.Net;
using Npgsql;
using Pushboard.Tests;
using StackExchange.Redis;

namespace Pushboard.Reliability.Tests;

// shared/DESIGN.md "State stays bounded": what Pushboard keeps goes away once it is no longer needed.
[Collection(ReliabilityCollection.Name)]
public sealed class BoundedStateTests(ReliabilityAppFixture fixture) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly PushboardClient _pushboard = new(fixture);

    [Fact]
    public async Task Work_items_and_device_events_leave_their_streams_once_they_are_done()
    {
        var (device, dead) = (PushboardClient.Unique("trim"), PushboardClient.Unique("trim-dead"));
        await _pushboard.RegisterAsync(device, PushboardClient.Unique("token"));
        await _pushboard.RegisterAsync(dead, PushboardClient.Unique("unregistered"));

        var id = (await _pushboard.SendAsync(new { target = new { deviceIds = new[] { device, dead } }, data = new { a = "trim" } }))["id"].Text();
        await _pushboard.WaitUntilFinishedAsync(id);
        await _pushboard.WaitUntilInvalidAsync(dead);

        await using var redis = await ConnectionMultiplexer.ConnectAsync(await fixture.ConnectionStringOf("cache"));
        var database = redis.GetDatabase();
        using var timeout = new CancellationTokenSource(Patience);
        while (await MentionsAsync(database, "notifications:work", id) + await MentionsAsync(database, "device-events", dead) > 0)
        {
            await Task.Delay(200, timeout.Token);
        }
    }

    [Fact]
    public async Task The_consumer_names_of_stopped_readers_leave_their_groups()
    {
        // A stopped process's name holding nothing (both services forget such names after 2 s here, not 1 h).
        (string Stream, string Group)[] groups = [("notifications:work", "senders"), ("device-events", "deviceapi")];
        var stopped = PushboardClient.Unique("stopped");
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await fixture.ConnectionStringOf("cache"));
        var database = redis.GetDatabase();
        foreach (var (stream, group) in groups)
        {
            Assert.Equal(1, (int)await database.ExecuteAsync("XGROUP", "CREATECONSUMER", stream, group, stopped));
        }

        using var timeout = new CancellationTokenSource(Patience);
        foreach (var (stream, group) in groups)
        {
            while ((await database.StreamConsumerInfoAsync(stream, group)).Any(consumer => consumer.Name == stopped))
            {
                await Task.Delay(200, timeout.Token);
            }
        }
    }

    [Fact]
    public async Task Notifications_that_ended_longer_ago_than_the_retention_are_deleted_with_their_deliveries()
    {
        var prefix = PushboardClient.Unique("retention");
        await fixture.SeedDevicesAsync(prefix, 30);
        var devices = Enumerable.Range(1, 30).Select(i => $"{prefix}-{i:D6}").ToArray();
        var old = (await _pushboard.SendAsync(new { target = new { deviceIds = devices }, data = new { a = "old" } }))["id"].Text();
        var recent = (await _pushboard.SendAsync(new { target = new { deviceIds = devices }, data = new { a = "recent" } }))["id"].Text();
        var oldFailed = (await _pushboard.SendAsync(new { target = new { userId = PushboardClient.Unique("nobody") }, data = new { a = "none" } }))["id"].Text();
        await _pushboard.WaitUntilFinishedAsync(old);
        await _pushboard.WaitUntilFinishedAsync(recent);
        Assert.Equal("failed", (await _pushboard.WaitUntilFinishedAsync(oldFailed))["status"].Text());

        await using var db = await fixture.OpenDatabaseAsync("notificationsdb");
        await using (var backdate = new NpgsqlCommand("UPDATE notifications SET completed_at = now() - interval '91 days' WHERE id = ANY($1)", db))
        {
            backdate.Parameters.AddWithValue(new[] { Guid.Parse(old), Guid.Parse(oldFailed) });
            Assert.Equal(2, await backdate.ExecuteNonQueryAsync());
        }

        using var timeout = new CancellationTokenSource(Patience);
        foreach (var id in new[] { old, oldFailed })
        {
            while ((await _pushboard.Notifications.GetAsync($"/api/notifications/{id}", timeout.Token)).StatusCode != HttpStatusCode.NotFound)
            {
                await Task.Delay(200, timeout.Token);
            }
        }

        Assert.Equal(0, await RowsAsync(db, "deliveries", old));
        Assert.Equal(0, await RowsAsync(db, "delivery_counts", old));
        Assert.Equal(HttpStatusCode.OK, (await _pushboard.Notifications.GetAsync($"/api/notifications/{recent}")).StatusCode);
        Assert.Equal(30, await RowsAsync(db, "deliveries", recent));
    }

    private static async Task<long> RowsAsync(NpgsqlConnection db, string table, string notificationId)
    {
        await using var count = new NpgsqlCommand($"SELECT count(*) FROM {table} WHERE notification_id = $1", db);
        count.Parameters.AddWithValue(Guid.Parse(notificationId));
        return (long)(await count.ExecuteScalarAsync())!;
    }

    // Entries of the stream that name the notification or the device in any field.
    private static async Task<int> MentionsAsync(IDatabase database, string stream, string value) =>
        (await database.StreamRangeAsync(stream)).Count(entry => entry.Values.Any(field => field.Value.ToString().Contains(value, StringComparison.Ordinal)));

    public void Dispose() => _pushboard.Dispose();
}
