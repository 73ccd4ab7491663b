using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Pushboard.Tests;

namespace Pushboard.Reliability.Tests;

[Collection(ReliabilityCollection.Name)]
public sealed class FaultTests(ReliabilityAppFixture fixture) : IDisposable
{
    private readonly PushboardClient _pushboard = new(fixture);

    [Fact]
    public async Task An_fcm_storm_ends_with_every_delivery_sent_and_no_retry_before_its_retry_after()
    {
        var tokens = new List<string>();
        var deviceIds = new List<string>();
        for (var i = 0; i < 100; i++)
        {
            var (id, token) = (PushboardClient.Unique("storm"), PushboardClient.Unique("token"));
            await _pushboard.RegisterAsync(id, token);
            (deviceIds, tokens) = ([.. deviceIds, id], [.. tokens, token]);
        }

        (await _pushboard.Emulator.PutAsJsonAsync("/emulator/faults", new { rate503 = 0.3, rate429 = 0.1, retryAfterSeconds = 2 })).EnsureSuccessStatusCode();
        try
        {
            var accepted = await _pushboard.SendAsync(new { target = new { deviceIds }, notification = new { title = "storm" } });
            var done = await _pushboard.WaitUntilFinishedAsync(accepted["id"].Text());
            Assert.Equal(100, PushboardClient.Count(done, "sent"));
        }
        finally
        {
            await _pushboard.Emulator.DeleteAsync("/emulator/faults");
        }

        var retried = 0;
        foreach (var token in tokens)
        {
            var attempts = (await _pushboard.AttemptsAsync(token))
                .Select(a => (At: DateTime.Parse(a!["receivedAt"].Text(), null, System.Globalization.DateTimeStyles.RoundtripKind), Outcome: a["outcome"].Text()))
                .OrderBy(a => a.At)
                .ToList();
            Assert.Equal("OK", attempts[^1].Outcome);
            Assert.Single(attempts, a => a.Outcome == "OK");
            for (var i = 1; i < attempts.Count; i++)
            {
                retried++;
                Assert.True(attempts[i].At - attempts[i - 1].At >= TimeSpan.FromSeconds(1.95),
                    $"retry of {token} after {(attempts[i].At - attempts[i - 1].At).TotalMilliseconds} ms, before Retry-After: 2");
            }
        }

        Assert.True(retried > 10, "the storm made the sender retry");
    }

    [Fact]
    public async Task With_DeviceApi_stopped_notifications_are_accepted_and_delivered_once_it_returns()
    {
        var (device, token) = (PushboardClient.Unique("outage"), PushboardClient.Unique("token"));
        await _pushboard.RegisterAsync(device, token);

        await fixture.StopAsync("deviceapi");
        JsonObject accepted;
        try
        {
            accepted = await _pushboard.SendAsync(new { target = new { deviceIds = new[] { device } }, notification = new { title = "later" } });
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.NotEqual("completed", (await _pushboard.Notifications.GetFromJsonAsync<JsonObject>($"/api/notifications/{accepted["id"].Text()}"))!["status"].Text());
        }
        finally
        {
            await fixture.StartAsync("deviceapi");
        }

        var done = await _pushboard.WaitUntilFinishedAsync(accepted["id"].Text());
        Assert.Equal(1, PushboardClient.Count(done, "sent"));
        Assert.Single(await _pushboard.ReceivedAsync(token));
    }

    [Fact]
    public async Task NotificationApi_killed_mid_broadcast_and_started_again_loses_nothing()
    {
        const int devices = 20_000;
        await fixture.SeedDevicesAsync("kill", devices);

        await _pushboard.Emulator.DeleteAsync("/emulator/messages");
        (await _pushboard.Emulator.PutAsJsonAsync("/emulator/faults", new { latencyMs = 2 })).EnsureSuccessStatusCode();
        var accepted = await _pushboard.SendAsync(new { target = new { all = true }, data = new { wave = "kill" } });
        var id = accepted["id"].Text();
        await _pushboard.WaitUntilSentAsync(id, 1000, within: TimeSpan.FromMinutes(2));

        await fixture.KillAsync("notificationapi");
        await _pushboard.Emulator.DeleteAsync("/emulator/faults");
        await fixture.StartAsync("notificationapi");
        // The work comes back by either path, and which comes first is not asserted: XAUTOCLAIM of the dead consumer's
        // items after Sending:ClaimIdle (30 s), or the sweeper, which here queues the notification again after 8 s
        // without progress (ReliabilityAppFixture: StalledAfter 8 s, a sweep every second), so likely first. What this
        // asserts is that nothing is lost or sent twice beyond the in-flight window, within 100 s; ScaleOutTests holds
        // the sweeper off to test the claim alone.
        var done = await _pushboard.WaitUntilFinishedAsync(id, within: TimeSpan.FromSeconds(100));

        var deliveries = await _pushboard.DeliveriesAsync(id);
        Assert.Equal("completed", done["status"].Text());
        Assert.Equal(0, PushboardClient.Count(done, "pending"));
        Assert.All(deliveries, d => Assert.Equal("sent", d["status"].Text()));
        Assert.Equal(devices, deliveries.Count(d => d["deviceId"].Text().StartsWith("kill-", StringComparison.Ordinal)));
        var stats = (await _pushboard.Emulator.GetFromJsonAsync<JsonObject>("/emulator/stats"))!;
        Assert.InRange((int)stats["accepted"]! - deliveries.Count, 0, PushboardAppFixture.InFlightWindow);
    }

    public void Dispose() => _pushboard.Dispose();
}
