using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Pushboard.Tests;
using StackExchange.Redis;

namespace Pushboard.Reliability.Tests;

// DESIGN.md "Sending exactly once, as far as FCM allows": work that cannot succeed ends, one delivery's fault stays its
// own, a takeover waits for the holder's lease, and nothing stored is answered with a 500.
[Collection(ReliabilityCollection.Name)]
public sealed class SendingOnceTests(ReliabilityAppFixture fixture) : IDisposable
{
    private readonly PushboardClient _pushboard = new(fixture);

    [Fact]
    public async Task A_notification_to_1000_device_ids_of_100_characters_is_resolved_in_calls_within_DeviceApi_body_limit()
    {
        var deviceIds = Enumerable.Range(0, 1000).Select(i => $"{PushboardClient.Unique("long")}-{i:D4}".PadRight(100, 'x')).ToList();
        var registered = deviceIds.Where((_, i) => i % 100 == 0).ToList();
        var tokens = new List<string>();
        foreach (var id in registered)
        {
            var token = PushboardClient.Unique("token");
            await _pushboard.RegisterAsync(id, token);
            tokens.Add(token);
        }

        var accepted = await _pushboard.SendAsync(new { target = new { deviceIds }, data = new { size = "long" } });
        var done = await _pushboard.WaitUntilFinishedAsync(accepted["id"].Text(), within: TimeSpan.FromMinutes(1));

        Assert.Equal("completed", done["status"].Text());
        Assert.Equal((1000, 10, 990), (PushboardClient.Count(done, "targeted"), PushboardClient.Count(done, "sent"), PushboardClient.Count(done, "failed")));
        var deliveries = await _pushboard.DeliveriesAsync(accepted["id"].Text());
        Assert.All(deliveries.Where(d => d["status"].Text() == "failed"), d => Assert.Equal("device_not_found", d["error"].Text()));
        foreach (var token in tokens)
        {
            Assert.Single(await _pushboard.ReceivedAsync(token));
        }
    }

    [Fact]
    public async Task A_dead_token_that_cannot_be_published_leaves_the_rest_of_its_chunk_recorded_and_sent_once()
    {
        var good = new List<(string Id, string Token)>();
        for (var i = 0; i < 5; i++)
        {
            good.Add((PushboardClient.Unique("chunk"), PushboardClient.Unique("token")));
            await _pushboard.RegisterAsync(good[^1].Id, good[^1].Token);
        }

        var dead = PushboardClient.Unique("chunk-dead");
        await _pushboard.RegisterAsync(dead, PushboardClient.Unique("unregistered"));
        await using var redis = await ConnectRedisAsync();
        var database = redis.GetDatabase();
        // device-events as a plain string: every XADD to it fails (WRONGTYPE), as a publish does while Redis refuses writes.
        // Deleting the stream also drops DeviceApi's group on it; the consumer makes it again (the collection runs one test
        // at a time, so no other test's event is lost).
        await database.KeyDeleteAsync("device-events");
        await database.StringSetAsync("device-events", "not a stream");
        string id;
        try
        {
            id = (await _pushboard.SendAsync(new { target = new { deviceIds = good.Select(d => d.Id).Append(dead).ToList() }, data = new { a = "b" } }))["id"].Text();
            await _pushboard.WaitUntilSentAsync(id, 5, within: TimeSpan.FromSeconds(30));
        }
        finally
        {
            await database.KeyDeleteAsync("device-events");
        }

        var done = await _pushboard.WaitUntilFinishedAsync(id, within: TimeSpan.FromMinutes(2));
        Assert.Equal((5, 1), (PushboardClient.Count(done, "sent"), PushboardClient.Count(done, "invalidToken")));
        foreach (var (_, token) in good)
        {
            Assert.Single(await _pushboard.ReceivedAsync(token));
        }

        await _pushboard.WaitUntilInvalidAsync(dead);
    }

    [Fact]
    public async Task A_second_sender_of_the_same_range_while_the_holder_waits_out_a_429_storm_sends_no_token_twice()
    {
        var tokens = new List<string>();
        var deviceIds = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            deviceIds.Add(PushboardClient.Unique("lease"));
            tokens.Add(PushboardClient.Unique("token"));
            await _pushboard.RegisterAsync(deviceIds[^1], tokens[^1]);
        }

        // Retry-After (9 s) above the sweeper's stall time (8 s) and the lease (6 s): the holder records nothing while it
        // waits, and holds its deliveries only by renewing the lease.
        (await _pushboard.Emulator.PutAsJsonAsync("/emulator/faults", new { rate429 = 1.0, retryAfterSeconds = 9 })).EnsureSuccessStatusCode();
        string id;
        try
        {
            id = (await _pushboard.SendAsync(new { target = new { deviceIds }, notification = new { title = "once" } }))["id"].Text();
            await _pushboard.WaitUntilStatusAsync(id, "sending", within: TimeSpan.FromSeconds(30));
            await Task.Delay(TimeSpan.FromSeconds(3));
            // What the sweeper or an XAUTOCLAIM hands another worker: a send item for the range the holder is working on.
            await QueueSendItemAsync(id);
            await Task.Delay(TimeSpan.FromSeconds(9));
        }
        finally
        {
            await _pushboard.Emulator.DeleteAsync("/emulator/faults");
        }

        var done = await _pushboard.WaitUntilFinishedAsync(id, within: TimeSpan.FromMinutes(2));
        Assert.Equal(30, PushboardClient.Count(done, "sent"));
        // The second sender's item comes back after ClaimIdle if it found the deliveries held; give it time to try.
        await Task.Delay(TimeSpan.FromSeconds(5));
        var received = new Dictionary<string, int>();
        foreach (var token in tokens)
        {
            received[token] = (await _pushboard.ReceivedAsync(token)).Count;
        }

        Assert.True(received.Values.All(count => count == 1), "messages per token: " + string.Join(", ", received.Values));
    }

    [Fact]
    public async Task A_notification_stored_while_Redis_times_out_is_accepted_with_202_and_sent_later()
    {
        var (device, token) = (PushboardClient.Unique("timeout"), PushboardClient.Unique("token"));
        await _pushboard.RegisterAsync(device, token);
        await using var redis = await ConnectRedisAsync();
        // Longer than the Redis client's 5 s timeout: the enqueue times out.
        await redis.GetServers()[0].ExecuteAsync("CLIENT", "PAUSE", "8000", "WRITE");

        using var response = await _pushboard.Notifications.PostAsJsonAsync("/api/notifications", new { target = new { deviceIds = new[] { device } }, data = new { a = "timeout" } });

        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var done = await _pushboard.WaitUntilFinishedAsync((await response.Content.ReadFromJsonAsync<JsonObject>())!["id"].Text(), within: TimeSpan.FromMinutes(1));
        Assert.Equal(1, PushboardClient.Count(done, "sent"));
        Assert.Single(await _pushboard.ReceivedAsync(token));
    }

    [Fact]
    public async Task A_notification_stored_while_Redis_answers_OOM_is_accepted_with_202_and_sent_later()
    {
        var (device, token) = (PushboardClient.Unique("oom"), PushboardClient.Unique("token"));
        await _pushboard.RegisterAsync(device, token);
        await using var redis = await ConnectRedisAsync();
        var server = redis.GetServers()[0];
        var maxMemory = (await server.ConfigGetAsync("maxmemory")).Single().Value;
        await server.ConfigSetAsync("maxmemory", "1");
        string id;
        try
        {
            using var response = await _pushboard.Notifications.PostAsJsonAsync("/api/notifications", new { target = new { deviceIds = new[] { device } }, data = new { a = "oom" } });
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            id = (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"].Text();
        }
        finally
        {
            await server.ConfigSetAsync("maxmemory", maxMemory);
        }

        var done = await _pushboard.WaitUntilFinishedAsync(id, within: TimeSpan.FromMinutes(1));
        Assert.Equal(1, PushboardClient.Count(done, "sent"));
        Assert.Single(await _pushboard.ReceivedAsync(token));
    }

    [Fact]
    public async Task A_404_without_UNREGISTERED_fails_the_delivery_and_leaves_the_device_active()
    {
        var (device, token) = (PushboardClient.Unique("project"), PushboardClient.Unique("token"));
        await _pushboard.RegisterAsync(device, token);
        (await _pushboard.Emulator.PutAsJsonAsync("/emulator/faults", new { unknownProject = true })).EnsureSuccessStatusCode();
        JsonObject done;
        try
        {
            var accepted = await _pushboard.SendAsync(new { target = new { deviceIds = new[] { device } }, data = new { a = "b" } });
            done = await _pushboard.WaitUntilFinishedAsync(accepted["id"].Text());
            var delivery = Assert.Single(await _pushboard.DeliveriesAsync(accepted["id"].Text()));
            Assert.Equal(("failed", "NOT_FOUND"), (delivery["status"].Text(), delivery["error"].Text()));
        }
        finally
        {
            await _pushboard.Emulator.DeleteAsync("/emulator/faults");
        }

        Assert.Equal((1, 0), (PushboardClient.Count(done, "failed"), PushboardClient.Count(done, "invalidToken")));
        await _pushboard.InvalidationsAppliedAsync();
        Assert.Equal("active", (await _pushboard.DeviceAsync(device))["status"].Text());
    }

    private async Task QueueSendItemAsync(string notificationId)
    {
        await using var connection = await fixture.OpenDatabaseAsync("notificationsdb");
        await using var range = new NpgsqlCommand("SELECT min(id), max(id) FROM deliveries WHERE notification_id = $1", connection);
        range.Parameters.Add(new NpgsqlParameter { Value = Guid.Parse(notificationId) });
        await using var reader = await range.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (first, last) = (reader.GetInt64(0), reader.GetInt64(1));
        await using var redis = await ConnectRedisAsync();
        await redis.GetDatabase().StreamAddAsync("notifications:work",
            [new("kind", "Send"), new("notification", notificationId), new("first", first), new("last", last), new("traceparent", "")]);
    }

    private async Task<ConnectionMultiplexer> ConnectRedisAsync() =>
        await ConnectionMultiplexer.ConnectAsync(await fixture.ConnectionStringOf("cache") + ",allowAdmin=true");

    public void Dispose() => _pushboard.Dispose();
}
