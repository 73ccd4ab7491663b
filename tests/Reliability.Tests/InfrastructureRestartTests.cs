using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Pushboard.Tests;

namespace Pushboard.Reliability.Tests;

[Collection(ReliabilityCollection.Name)]
public sealed class InfrastructureRestartTests(ReliabilityAppFixture fixture) : IDisposable
{
    private static readonly TimeSpan NoHang = TimeSpan.FromSeconds(10);
    private readonly PushboardClient _pushboard = new(fixture);

    [Fact]
    public async Task Redis_restarted_mid_broadcast_loses_nothing_and_notifications_posted_meanwhile_are_accepted_and_sent()
    {
        const int devices = 5_000;
        var user = PushboardClient.Unique("redis-user");
        await fixture.SeedDevicesAsync(PushboardClient.Unique("redis"), devices, user);
        var (lone, loneToken) = (PushboardClient.Unique("redis-lone"), PushboardClient.Unique("token"));
        await _pushboard.RegisterAsync(lone, loneToken);

        await _pushboard.Emulator.DeleteAsync("/emulator/messages");
        (await _pushboard.Emulator.PutAsJsonAsync("/emulator/faults", new { latencyMs = 20 })).EnsureSuccessStatusCode();
        var broadcast = (await _pushboard.SendAsync(new { target = new { userId = user }, data = new { wave = "redis" } }))["id"].Text();
        await _pushboard.WaitUntilSentAsync(broadcast, 500, within: TimeSpan.FromMinutes(2));

        await fixture.StopAsync("redis");
        string duringOutage;
        try
        {
            // Gives the services' Redis clients a moment to see the closed connection.
            await Task.Delay(500);
            var posting = Stopwatch.StartNew();
            duringOutage = (await _pushboard.SendAsync(new { target = new { deviceIds = new[] { lone } }, notification = new { title = "meanwhile" } }))["id"].Text();
            // A POST that waited on Redis would take the Redis client's 5 s timeout; 4 s leaves room for a broadcast
            // sharing two cores with it.
            Assert.True(posting.Elapsed < TimeSpan.FromSeconds(4), $"the POST took {posting.Elapsed} while Redis was down");
            using var status = await _pushboard.Notifications.GetAsync($"/api/notifications/{broadcast}");
            Assert.Equal(HttpStatusCode.OK, status.StatusCode);
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
        finally
        {
            await fixture.StartAsync("redis");
            await _pushboard.Emulator.DeleteAsync("/emulator/faults");
        }

        var done = await _pushboard.WaitUntilFinishedAsync(broadcast);
        Assert.Equal("completed", done["status"].Text());
        Assert.Equal(devices, PushboardClient.Count(done, "sent"));
        var meanwhile = await _pushboard.WaitUntilFinishedAsync(duringOutage);
        Assert.Equal(1, PushboardClient.Count(meanwhile, "sent"));
        Assert.Single(await _pushboard.ReceivedAsync(loneToken));
        var stats = (await _pushboard.Emulator.GetFromJsonAsync<JsonObject>("/emulator/stats"))!;
        Assert.InRange((int)stats["accepted"]! - devices - 1, 0, PushboardAppFixture.InFlightWindow);
    }

    [Fact]
    public async Task Postgres_killed_while_FCM_answers_a_broadcast_sends_no_token_twice()
    {
        const int devices = 2_000;
        var user = PushboardClient.Unique("pg-user");
        await fixture.SeedDevicesAsync(PushboardClient.Unique("pg-send"), devices, user);
        var before = await EmulatorCountAsync("duplicates");
        // Each send takes 300 ms, so that chunks are in FCM's hands when Postgres dies.
        (await _pushboard.Emulator.PutAsJsonAsync("/emulator/faults", new { latencyMs = 300 })).EnsureSuccessStatusCode();
        string broadcast;
        try
        {
            broadcast = (await _pushboard.SendAsync(new { target = new { userId = user }, data = new { wave = "pg" } }))["id"].Text();
            await _pushboard.WaitUntilSentAsync(broadcast, 200, within: TimeSpan.FromMinutes(1));
            await fixture.KillAsync("postgres");
            await fixture.StartAsync("postgres");
        }
        finally
        {
            await _pushboard.Emulator.DeleteAsync("/emulator/faults");
        }

        var done = await _pushboard.WaitUntilFinishedAsync(broadcast);
        Assert.Equal(devices, PushboardClient.Count(done, "sent"));
        // The outcomes FCM gave during the outage were recorded once Postgres was back (before: sent again, a chunk or more).
        Assert.Equal(before, await EmulatorCountAsync("duplicates"));
        await DeviceApiWritesAgainAsync();
    }

    // DeviceApi's pooled connections broken by the kill each answer one request 503 before they are dropped; the next
    // test starts once a write succeeds again.
    private async Task DeviceApiWritesAgainAsync()
    {
        using var client = fixture.CreateAppClient("deviceapi");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var device = PushboardClient.Unique("pg-after");
        while (!(await client.PutAsJsonAsync($"/api/devices/{device}", new { fcmToken = PushboardClient.Unique("token"), platform = "ios" }, timeout.Token)).IsSuccessStatusCode)
        {
            await Task.Delay(200, timeout.Token);
        }
    }

    private async Task<int> EmulatorCountAsync(string name) =>
        (int)(await _pushboard.Emulator.GetFromJsonAsync<JsonObject>("/emulator/stats"))![name]!;

    [Fact]
    public async Task Postgres_killed_and_restarted_under_registration_load_loses_no_acknowledged_write_and_outage_answers_are_503()
    {
        var run = PushboardClient.Unique("pg");
        var answers = new ConcurrentQueue<Answer>();
        var restarted = false;
        using var stopLoad = new CancellationTokenSource();
        var load = Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
        {
            using var client = fixture.CreateAppClient("deviceapi");
            client.Timeout = NoHang;
            for (var i = 0; !stopLoad.IsCancellationRequested; i++)
            {
                var (device, token) = ($"{run}-{writer}-{i}", $"{run}-token-{writer}-{i}");
                var afterRestart = Volatile.Read(ref restarted);
                using var response = await client.PutAsJsonAsync($"/api/devices/{device}", new { fcmToken = token, platform = "ios" });
                answers.Enqueue(new Answer(device, token, response.StatusCode, response.Content.Headers.ContentType?.MediaType,
                    response.Headers.RetryAfter?.Delta, afterRestart));
                if (!response.IsSuccessStatusCode)
                {
                    await Task.Delay(50);
                }
            }
        })).ToList();

        await Task.Delay(TimeSpan.FromSeconds(2));
        await fixture.KillAsync("postgres");
        await Task.Delay(TimeSpan.FromSeconds(2));
        using (var client = fixture.CreateAdminClient("notificationapi"))
        {
            client.Timeout = NoHang;
            using var list = await client.GetAsync("/api/notifications");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, list.StatusCode);
            Assert.Equal("application/problem+json", list.Content.Headers.ContentType?.MediaType);
        }

        await fixture.StartAsync("postgres");
        Volatile.Write(ref restarted, true);
        using (var recovery = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            while (answers.Count(a => a.AfterRestart && a.Status is HttpStatusCode.Created) < 100)
            {
                await Task.Delay(200, recovery.Token);
            }
        }

        await stopLoad.CancelAsync();
        await Task.WhenAll(load);

        var all = answers.ToList();
        Assert.All(all, a => Assert.True(
            a.Status is HttpStatusCode.Created || a is { Status: HttpStatusCode.ServiceUnavailable, MediaType: "application/problem+json", RetryAfter: not null },
            $"{a.DeviceId}: {(int)a.Status} {a.MediaType}"));
        Assert.Contains(all, a => a.Status == HttpStatusCode.ServiceUnavailable);

        var acknowledged = all.Where(a => a.Status == HttpStatusCode.Created).ToDictionary(a => a.DeviceId, a => a.Token);
        var stored = new Dictionary<string, string>();
        await using (var connection = await fixture.OpenDatabaseAsync("devicesdb"))
        {
            await using var query = new NpgsqlCommand("SELECT device_id, fcm_token FROM devices WHERE device_id LIKE $1", connection);
            query.Parameters.Add(new NpgsqlParameter { Value = run + "-%" });
            await using var reader = await query.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                stored[reader.GetString(0)] = reader.GetString(1);
            }
        }

        Assert.All(acknowledged, device => Assert.Equal(device.Value, stored.GetValueOrDefault(device.Key)));
    }

    public void Dispose() => _pushboard.Dispose();

    private sealed record Answer(string DeviceId, string Token, HttpStatusCode Status, string? MediaType, TimeSpan? RetryAfter, bool AfterRestart);
}
