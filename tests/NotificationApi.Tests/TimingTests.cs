using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Pushboard.NotificationApi.Infrastructure;
using Pushboard.NotificationApi.Model;
using Pushboard.NotificationApi.Sending;
using Pushboard.Tests;
using StackExchange.Redis;

namespace Pushboard.NotificationApi.Tests;

// sendAt, localTime and cancel end to end, with moments a few seconds (or a minute) ahead.
[Collection(NotificationApiCollection.Name)]
public sealed class TimingTests(PushboardAppFixture fixture) : IDisposable
{
    private readonly PushboardClient _pushboard = new(fixture);
    private readonly HttpClient _devices = fixture.CreateAppClient("deviceapi");

    [Fact]
    public async Task A_notification_with_sendAt_stays_scheduled_without_deliveries_then_is_sent_at_its_time()
    {
        var device = PushboardClient.Unique("later");
        var token = PushboardClient.Unique("token");
        await _pushboard.RegisterAsync(device, token);
        var sendAt = DateTime.UtcNow.AddSeconds(5);
        sendAt = sendAt.AddTicks(-(sendAt.Ticks % TimeSpan.TicksPerSecond));

        var accepted = await _pushboard.SendAsync(new
        {
            target = new { deviceIds = new[] { device } }, notification = new { title = "later" }, sendAt = Utc(sendAt),
        });
        var id = accepted["id"].Text();
        var waiting = await Notification(id);
        var deliveriesBefore = await _pushboard.DeliveriesAsync(id);
        var done = await _pushboard.WaitUntilFinishedAsync(id, TimeSpan.FromSeconds(60));

        Assert.Equal("scheduled", accepted["status"].Text());
        Assert.Equal(Utc(sendAt), Utc((DateTime)accepted["sendAt"]!));
        Assert.Null(accepted["localTime"]);
        Assert.Equal(("scheduled", 0), (waiting["status"].Text(), PushboardClient.Count(waiting, "targeted")));
        Assert.Empty(deliveriesBefore);
        Assert.Equal(("completed", 1), (done["status"].Text(), PushboardClient.Count(done, "sent")));
        var delivery = Assert.Single(await _pushboard.DeliveriesAsync(id));
        Assert.True(((DateTime)delivery["updatedAt"]!).ToUniversalTime() >= sendAt, "sent before its sendAt");
        Assert.Single(await _pushboard.ReceivedAsync(token));
    }

    [Fact]
    public async Task A_scheduled_notification_survives_a_restart_of_NotificationApi()
    {
        var device = PushboardClient.Unique("restart");
        var token = PushboardClient.Unique("token");
        await _pushboard.RegisterAsync(device, token);
        // 8 s ahead: NotificationApi's stop (a graceful one, seconds on a loaded machine) ends well before it, so the
        // send can only come from the process started again.
        var sendAt = DateTime.UtcNow.AddSeconds(8);

        var accepted = await _pushboard.SendAsync(new
        {
            target = new { deviceIds = new[] { device } }, data = new { kind = "restart" }, sendAt = Utc(sendAt),
        });
        var id = accepted["id"].Text();
        await fixture.StopAsync("notificationapi");
        (string Status, long Deliveries) stopped, pastItsTime;
        List<JsonObject> receivedWhileStopped;
        try
        {
            stopped = await StoredAsync(id);
            var untilPast = sendAt.AddSeconds(2) - DateTime.UtcNow;
            if (untilPast > TimeSpan.Zero)
            {
                await Task.Delay(untilPast);
            }

            pastItsTime = await StoredAsync(id);
            receivedWhileStopped = await _pushboard.ReceivedAsync(token);
        }
        finally
        {
            await fixture.StartAsync("notificationapi");
        }

        var done = await _pushboard.WaitUntilFinishedAsync(id, TimeSpan.FromSeconds(90));

        Assert.True(stopped == ("scheduled", 0), $"{stopped} once NotificationApi was stopped: the stop ended after its sendAt, the test proves nothing");
        Assert.Equal(("scheduled", 0L), pastItsTime);
        Assert.Empty(receivedWhileStopped);
        Assert.Equal(("completed", 1), (done["status"].Text(), PushboardClient.Count(done, "sent")));
        Assert.Single(await _pushboard.ReceivedAsync(token));
    }

    [Fact]
    public async Task A_local_time_reaches_each_device_at_its_moment_and_uses_the_device_as_it_is_then()
    {
        // A moment at least 20 s ahead, on a whole minute, in UTC (the default zone here).
        var moment = DateTime.UtcNow.AddSeconds(80);
        moment = new DateTime(moment.Year, moment.Month, moment.Day, moment.Hour, moment.Minute, 0, DateTimeKind.Utc);
        var localTime = moment.ToString("HH:mm", CultureInfo.InvariantCulture);
        var (plain, moved, deleted, reassigned, kathmandu) = (PushboardClient.Unique("plain"), PushboardClient.Unique("moved"),
            PushboardClient.Unique("deleted"), PushboardClient.Unique("reassigned"), PushboardClient.Unique("kathmandu"));
        var tokens = new Dictionary<string, string>();
        foreach (var (device, zone) in new[] { (plain, null), (moved, "Etc/UTC"), (deleted, "UTC"), (reassigned, null), (kathmandu, "Asia/Kathmandu") })
        {
            tokens[device] = PushboardClient.Unique("token");
            (await _devices.PutAsJsonAsync($"/api/devices/{device}", new { fcmToken = tokens[device], platform = "ios", timeZone = zone }))
                .EnsureSuccessStatusCode();
        }

        var accepted = await _pushboard.SendAsync(new
        {
            target = new { deviceIds = new[] { plain, moved, deleted, reassigned, kathmandu } },
            notification = new { title = "good morning" }, localTime, ttlSeconds = 600,
        });
        var id = accepted["id"].Text();
        var waiting = await WaitUntilAsync(id, n => PushboardClient.Count(n, "targeted") == 5);
        var scheduled = (await _pushboard.DeliveriesAsync(id)).ToDictionary(d => d["deviceId"].Text(), d => (DateTime)d["scheduledFor"]!);
        // Meanwhile: a new token, a deleted device, and one whose token another device took (invalid).
        var newToken = PushboardClient.Unique("token");
        (await _devices.PatchAsJsonAsync($"/api/devices/{moved}/token", new { fcmToken = newToken })).EnsureSuccessStatusCode();
        (await _devices.DeleteAsync($"/api/devices/{deleted}")).EnsureSuccessStatusCode();
        await _pushboard.RegisterAsync(PushboardClient.Unique("thief"), tokens[reassigned]);
        var sentAt = await WaitUntilAsync(id, n => PushboardClient.Count(n, "pending") == 1, TimeSpan.FromMinutes(3));

        Assert.Equal(("scheduled", localTime), (accepted["status"].Text(), accepted["localTime"].Text()));
        Assert.Equal("scheduled", waiting["status"].Text());
        Assert.Equal(moment, scheduled[plain]);
        Assert.Equal(moment, scheduled[moved]);
        // 5:45 ahead of UTC: the same wall time in Kathmandu came earlier today, so it is tomorrow's.
        var inKathmandu = TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(moment, DateTimeKind.Unspecified),
            TimeZoneInfo.FindSystemTimeZoneById("Asia/Kathmandu"));
        Assert.Equal(inKathmandu.AddDays(1), scheduled[kathmandu]);
        Assert.Equal("scheduled", sentAt["status"].Text());
        Assert.Equal((2, 2), (PushboardClient.Count(sentAt, "sent"), PushboardClient.Count(sentAt, "failed")));
        var deliveries = (await _pushboard.DeliveriesAsync(id)).ToDictionary(d => d["deviceId"].Text());
        Assert.Equal(("failed", "device_not_found"), (deliveries[deleted]["status"].Text(), deliveries[deleted]["error"].Text()));
        Assert.Equal(("failed", "device_inactive"), (deliveries[reassigned]["status"].Text(), deliveries[reassigned]["error"].Text()));
        Assert.Equal("pending", deliveries[kathmandu]["status"].Text());
        Assert.Empty(await _pushboard.ReceivedAsync(tokens[moved]));
        var received = Assert.Single(await _pushboard.ReceivedAsync(newToken));
        // apns-expiration counted from the moment of sending, not from when the notification was accepted.
        var expiration = long.Parse(received["apns"]!["headers"]!["apns-expiration"].Text(), CultureInfo.InvariantCulture);
        Assert.InRange(expiration, new DateTimeOffset(moment).ToUnixTimeSeconds() + 600, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 600);
        Assert.Single(await _pushboard.ReceivedAsync(tokens[plain]));

        using var cancel = await _pushboard.Notifications.PostAsync($"/api/notifications/{id}/cancel", null);
        var canceled = (await cancel.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal(("canceled", 1, 0), (canceled["status"].Text(), PushboardClient.Count(canceled, "canceled"), PushboardClient.Count(canceled, "pending")));
        var page = (await _pushboard.Notifications.GetFromJsonAsync<JsonObject>($"/api/notifications/{id}/deliveries?status=canceled"))!;
        Assert.Equal(kathmandu, Assert.Single(page["items"]!.AsArray())!["deviceId"].Text());
    }

    [Fact]
    public async Task A_moment_queued_by_a_scheduler_whose_clock_runs_ahead_is_sent_by_a_sender_whose_clock_is_behind()
    {
        // A moment 10 minutes ahead in UTC (the default zone here), and what the scheduler of a replica whose clock runs
        // 10 minutes ahead does at it: take the moment's row and queue its send item. This replica's clock is 10 minutes
        // before the moment; had it gone by its own clock, it would have passed the delivery over and let the item go.
        var moment = DateTime.UtcNow.AddMinutes(10);
        var localTime = moment.ToString("HH:mm", CultureInfo.InvariantCulture);
        var (device, token) = (PushboardClient.Unique("skew"), PushboardClient.Unique("token"));
        await _pushboard.RegisterAsync(device, token);
        var id = (await _pushboard.SendAsync(new { target = new { deviceIds = new[] { device } }, data = new { kind = "skew" }, localTime }))["id"].Text();
        await WaitUntilAsync(id, n => PushboardClient.Count(n, "targeted") == 1);

        await using var db = await fixture.OpenDatabaseAsync("notificationsdb");
        await using var take = new NpgsqlCommand(
            "DELETE FROM scheduled_work WHERE notification_id = $1 AND kind = 'send' RETURNING due_at, first_delivery_id, last_delivery_id", db);
        take.Parameters.AddWithValue(Guid.Parse(id));
        await using (var row = await take.ExecuteReaderAsync())
        {
            Assert.True(await row.ReadAsync());
            await using var redis = await ConnectionMultiplexer.ConnectAsync(await fixture.ConnectionStringOf("cache"));
            await redis.GetDatabase().StreamAddAsync(WorkQueue.StreamName,
            [
                new("kind", "Send"), new("notification", id), new("first", row.GetInt64(1)), new("last", row.GetInt64(2)),
                new("traceparent", ""), new("due", row.GetDateTime(0).Ticks),
            ]);
        }

        var sent = await WaitUntilAsync(id, n => PushboardClient.Count(n, "sent") == 1, TimeSpan.FromSeconds(30));
        Assert.Equal(0, PushboardClient.Count(sent, "pending"));
        Assert.Single(await _pushboard.ReceivedAsync(token));
    }

    [Fact]
    public async Task The_scheduler_completes_a_notification_whose_last_moment_was_sent_before_it_went_sending()
    {
        // The last moment's deliveries ended while the notification was still scheduled (another replica's senders were
        // quick), so none of them completed it: the scheduler that queued the moment is the last to look. It runs here in
        // process on a clock past the moment, over a database of the test's own that no replica of the AppHost sees, so
        // that no sender can complete the notification instead; its send item goes to a Redis database no worker reads.
        var moment = DateTime.UtcNow.AddHours(1);
        await using var own = await OwnNotificationsDb.CreateAsync(fixture);
        var id = await own.StoreResolvedMomentAsync(PushboardClient.Unique("early"), PushboardClient.Unique("token"), moment);
        await using var db = own.Open();
        var delivery = await db.Deliveries.SingleAsync(d => d.NotificationId == id);
        await new DeliveryStore(db, TimeProvider.System).RecordAsync(
            id, Guid.CreateVersion7(), [new DeliveryResult(delivery.Id, DeliveryStatus.Sent, "projects/p/messages/1", null, 1)], CancellationToken.None);
        Assert.Equal(NotificationStatus.Scheduled, await StatusAsync(db, id));

        await using var services = await own.JobServicesAsync(new FakeTimeProvider(moment.AddMinutes(1)));
        using var scheduler = ActivatorUtilities.CreateInstance<NotificationScheduler>(services);
        await scheduler.StartAsync(CancellationToken.None);
        try
        {
            var until = DateTime.UtcNow.AddSeconds(15);
            while (await StatusAsync(db, id) is NotificationStatus.Scheduled or NotificationStatus.Sending && DateTime.UtcNow < until)
            {
                await Task.Delay(100);
            }

            Assert.Equal(NotificationStatus.Completed, await StatusAsync(db, id));
        }
        finally
        {
            await scheduler.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_scheduled_notification_canceled_before_its_time_is_never_sent_and_cancelling_again_is_200()
    {
        var (device, token) = (PushboardClient.Unique("never"), PushboardClient.Unique("token"));
        var (control, controlToken) = (PushboardClient.Unique("control"), PushboardClient.Unique("token"));
        await _pushboard.RegisterAsync(device, token);
        await _pushboard.RegisterAsync(control, controlToken);
        var sendAt = Utc(DateTime.UtcNow.AddSeconds(5));
        var accepted = await _pushboard.SendAsync(new { target = new { deviceIds = new[] { device } }, data = new { kind = "never" }, sendAt });
        // The same moment to another device, not canceled: once it is sent, the canceled one's time has come and gone.
        var sent = await _pushboard.SendAsync(new { target = new { deviceIds = new[] { control } }, data = new { kind = "control" }, sendAt });
        var id = accepted["id"].Text();

        using var first = await _pushboard.Notifications.PostAsync($"/api/notifications/{id}/cancel", null);
        using var again = await _pushboard.Notifications.PostAsync($"/api/notifications/{id}/cancel", null);
        var controlDone = await _pushboard.WaitUntilFinishedAsync(sent["id"].Text(), TimeSpan.FromSeconds(60));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, again.StatusCode));
        Assert.Equal("canceled", (await again.Content.ReadFromJsonAsync<JsonObject>())!["status"].Text());
        Assert.Equal(("completed", 1), (controlDone["status"].Text(), PushboardClient.Count(controlDone, "sent")));
        Assert.Single(await _pushboard.ReceivedAsync(controlToken));
        Assert.Equal("canceled", (await Notification(id))["status"].Text());
        Assert.Empty(await _pushboard.DeliveriesAsync(id));
        Assert.Empty(await _pushboard.ReceivedAsync(token));
    }

    // Before, cancel took any body of any type and size.
    [Fact]
    public async Task Cancel_refuses_a_body_of_another_type_or_over_the_limit()
    {
        var accepted = await _pushboard.SendAsync(new
        {
            target = new { topic = PushboardClient.Unique("t") }, data = new { kind = "body" }, sendAt = Utc(DateTime.UtcNow.AddDays(1)),
        });
        var cancel = $"/api/notifications/{accepted["id"].Text()}/cancel";

        using var text = await _pushboard.Notifications.PostAsync(cancel, new StringContent("now", System.Text.Encoding.UTF8, "text/plain"));
        using var huge = await _pushboard.Notifications.SendAsync(
            OverLimitBody.Request(HttpMethod.Post, cancel, new StringContent(new string(' ', 1024 * 1024 + 1), System.Text.Encoding.UTF8, "application/json")));
        var unchanged = (await Notification(accepted["id"].Text()))["status"].Text();
        using var json = await _pushboard.Notifications.PostAsync(cancel, new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal((HttpStatusCode.UnsupportedMediaType, HttpStatusCode.RequestEntityTooLarge), (text.StatusCode, huge.StatusCode));
        Assert.Equal(("application/problem+json", "application/problem+json"), (text.Content.Headers.ContentType?.MediaType, huge.Content.Headers.ContentType?.MediaType));
        Assert.Equal("scheduled", unchanged);
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
    }

    [Fact]
    public async Task Cancel_of_an_ended_notification_is_409_and_of_an_unknown_one_404()
    {
        var device = PushboardClient.Unique("ended");
        await _pushboard.RegisterAsync(device, PushboardClient.Unique("token"));
        var accepted = await _pushboard.SendAsync(new { target = new { deviceIds = new[] { device } }, data = new { kind = "ended" } });
        await _pushboard.WaitUntilFinishedAsync(accepted["id"].Text());

        using var completed = await _pushboard.Notifications.PostAsync($"/api/notifications/{accepted["id"].Text()}/cancel", null);
        using var unknown = await _pushboard.Notifications.PostAsync($"/api/notifications/{Guid.NewGuid()}/cancel", null);
        using var malformed = await _pushboard.Notifications.PostAsync("/api/notifications/not-an-id/cancel", null);

        Assert.Equal(HttpStatusCode.Conflict, completed.StatusCode);
        Assert.Equal("application/problem+json", completed.Content.Headers.ContentType?.MediaType);
        Assert.Equal("completed", (await Notification(accepted["id"].Text()))["status"].Text());
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (unknown.StatusCode, malformed.StatusCode));
    }

    [Theory]
    [InlineData("sendAt", "{\"sendAt\":\"2099-01-01T00:00:00Z\"}")]
    [InlineData("sendAt", "{\"sendAt\":\"2026-12-02T10:00:00+01:00\"}")]
    [InlineData("sendAt", "{\"sendAt\":\"2026-12-02T10:00:00\"}")]
    [InlineData("localTime", "{\"localTime\":\"24:00\"}")]
    [InlineData("localTime", "{\"localTime\":\"9:00\"}")]
    [InlineData("localTime", "{\"localTime\":\"09:60\"}")]
    [InlineData("localTime", "{\"localTime\":\"09:00\",\"target\":{\"topic\":\"news\"}}")]
    public async Task Bad_timing_is_a_400_with_the_field_and_stores_nothing(string field, string timing)
    {
        var body = JsonNode.Parse("""{"target":{"deviceIds":["someone"]},"data":{"k":"v"}}""")!.AsObject();
        foreach (var (name, value) in JsonNode.Parse(timing)!.AsObject())
        {
            body[name] = value?.DeepClone();
        }

        var newest = await NewestIdAsync();
        using var response = await _pushboard.Notifications.PostAsJsonAsync("/api/notifications", body);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(problem["errors"]![field]);
        Assert.Equal(newest, await NewestIdAsync());
    }

    [Fact]
    public async Task A_cancel_in_the_middle_of_a_broadcast_hands_nothing_more_to_FCM()
    {
        await fixture.SeedDevicesAsync(PushboardClient.Unique("cancel"), 20_000);
        (await _pushboard.Emulator.PutAsJsonAsync("/emulator/faults", new { latencyMs = 200 })).EnsureSuccessStatusCode();
        await _pushboard.Emulator.DeleteAsync("/emulator/messages");
        try
        {
            var accepted = await _pushboard.SendAsync(new { target = new { all = true }, data = new { wave = "cancel" } });
            var id = accepted["id"].Text();
            await _pushboard.WaitUntilSentAsync(id, 1000, within: TimeSpan.FromSeconds(120));

            using var cancel = await _pushboard.Notifications.PostAsync($"/api/notifications/{id}/cancel", null);
            var acceptedAtCancel = await EmulatorAcceptedAsync();
            var final = await WaitUntilAsync(id, n => PushboardClient.Count(n, "pending") == 0, TimeSpan.FromSeconds(60));
            await Task.Delay(TimeSpan.FromSeconds(2));
            var acceptedAtEnd = await EmulatorAcceptedAsync();

            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
            Assert.Equal("canceled", final["status"].Text());
            Assert.True(PushboardClient.Count(final, "canceled") > 0);
            Assert.Equal(PushboardClient.Count(final, "targeted"),
                PushboardClient.Count(final, "sent") + PushboardClient.Count(final, "canceled")
                + PushboardClient.Count(final, "failed") + PushboardClient.Count(final, "invalidToken"));
            // Only chunks already handed to FCM before the cancel answered: at most one chunk per work loop.
            Assert.InRange(acceptedAtEnd - acceptedAtCancel, 0, PushboardAppFixture.InFlightWindow);
            Assert.Equal(PushboardClient.Count(final, "sent"), acceptedAtEnd);
        }
        finally
        {
            await _pushboard.Emulator.DeleteAsync("/emulator/faults");
        }
    }

    [Fact]
    public async Task A_cancel_stops_a_send_that_waits_on_FCMs_Retry_After()
    {
        var (device, token) = (PushboardClient.Unique("waiting"), PushboardClient.Unique("token"));
        await _pushboard.RegisterAsync(device, token);
        (await _pushboard.Emulator.PutAsJsonAsync("/emulator/faults", new { rate429 = 1.0, retryAfterSeconds = 4 })).EnsureSuccessStatusCode();
        try
        {
            var accepted = await _pushboard.SendAsync(new { target = new { deviceIds = new[] { device } }, data = new { wave = "retry-after" } });
            var id = accepted["id"].Text();
            for (var tries = 0; tries < 300 && (await _pushboard.AttemptsAsync(token)).Count == 0; tries++)
            {
                await Task.Delay(100);
            }

            using var cancel = await _pushboard.Notifications.PostAsync($"/api/notifications/{id}/cancel", null);
            // FCM answers again: a retry handed to it now would be delivered.
            await _pushboard.Emulator.DeleteAsync("/emulator/faults");
            var final = await WaitUntilAsync(id, n => PushboardClient.Count(n, "pending") == 0, TimeSpan.FromSeconds(30));

            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
            Assert.Equal(("canceled", 1, 0), (final["status"].Text(), PushboardClient.Count(final, "canceled"), PushboardClient.Count(final, "sent")));
            Assert.Single(await _pushboard.AttemptsAsync(token));
            Assert.Empty(await _pushboard.ReceivedAsync(token: token));
        }
        finally
        {
            await _pushboard.Emulator.DeleteAsync("/emulator/faults");
        }
    }

    private async Task<int> EmulatorAcceptedAsync() =>
        (int)(await _pushboard.Emulator.GetFromJsonAsync<JsonObject>("/emulator/stats"))!["accepted"]!;

    private async Task<string?> NewestIdAsync() =>
        (string?)(await _pushboard.Notifications.GetFromJsonAsync<JsonObject>("/api/notifications?limit=1"))!["items"]!.AsArray().FirstOrDefault()?["id"];

    private async Task<JsonObject> Notification(string id) =>
        (await _pushboard.Notifications.GetFromJsonAsync<JsonObject>($"/api/notifications/{id}"))!;

    private Task<JsonObject> WaitUntilAsync(string id, Func<JsonObject, bool> reached, TimeSpan? within = null) =>
        _pushboard.PollAsync(id, reached, within ?? TimeSpan.FromSeconds(60));

    // The notification's status and deliveries as notificationsdb holds them, read without NotificationApi.
    private async Task<(string Status, long Deliveries)> StoredAsync(string id)
    {
        await using var db = await fixture.OpenDatabaseAsync("notificationsdb");
        await using var read = new NpgsqlCommand(
            "SELECT status, (SELECT count(*) FROM deliveries WHERE notification_id = $1) FROM notifications WHERE id = $1", db);
        read.Parameters.AddWithValue(Guid.Parse(id));
        await using var row = await read.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync());
        return (row.GetString(0), row.GetInt64(1));
    }

    private static Task<string> StatusAsync(NotificationsDbContext db, Guid id) =>
        db.Notifications.AsNoTracking().Where(n => n.Id == id).Select(n => n.Status).SingleAsync();

    private static string Utc(DateTime time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public void Dispose()
    {
        _pushboard.Dispose();
        _devices.Dispose();
    }
}
