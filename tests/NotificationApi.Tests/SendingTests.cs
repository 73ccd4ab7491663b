using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Pushboard.NotificationApi.Infrastructure;
using Pushboard.NotificationApi.Model;
using Pushboard.Tests;
using StackExchange.Redis;

namespace Pushboard.NotificationApi.Tests;

[Collection(NotificationApiCollection.Name)]
public sealed class SendingTests(PushboardAppFixture fixture) : IDisposable
{
    private readonly PushboardClient _pushboard = new(fixture);

    [Fact]
    public async Task Device_ids_reach_each_device_once_and_an_unknown_id_is_a_failed_delivery()
    {
        var devices = Enumerable.Range(0, 3).Select(_ => (Id: PushboardClient.Unique("dev"), Token: PushboardClient.Unique("token"))).ToList();
        foreach (var (id, token) in devices)
        {
            await _pushboard.RegisterAsync(id, token);
        }

        var unknown = PushboardClient.Unique("nobody");
        var accepted = await _pushboard.SendAsync(new
        {
            target = new { deviceIds = devices.Select(d => d.Id).Append(unknown) },
            notification = new { title = "Order shipped", body = "It is on its way", imageUrl = "https://example.com/parcel.png" },
            data = new { orderId = "1234" },
        });
        var done = await _pushboard.WaitUntilFinishedAsync(accepted["id"].Text());

        Assert.Equal("completed", done["status"].Text());
        Assert.Equal((4, 3, 1, 0), (PushboardClient.Count(done, "targeted"), PushboardClient.Count(done, "sent"), PushboardClient.Count(done, "failed"), PushboardClient.Count(done, "pending")));
        foreach (var (_, token) in devices)
        {
            var received = Assert.Single(await _pushboard.ReceivedAsync(token));
            Assert.Equal("Order shipped", received["notification"]!["title"].Text());
            Assert.Equal("https://example.com/parcel.png", received["notification"]!["image"].Text());
            Assert.Equal("1234", received["data"]!["orderId"].Text());
        }

        var deliveries = await _pushboard.DeliveriesAsync(accepted["id"].Text());
        var failed = Assert.Single(deliveries, d => d["deviceId"].Text() == unknown);
        Assert.Equal(("failed", "device_not_found"), (failed["status"].Text(), failed["error"].Text()));
        Assert.All(deliveries.Where(d => d["deviceId"].Text() != unknown), d => Assert.StartsWith("projects/", d["fcmMessageId"].Text()));
        var attempt = Assert.Single(await _pushboard.AttemptsAsync(devices[0].Token));
        Assert.Equal("HTTP/2", attempt["protocol"].Text());
    }

    [Fact]
    public async Task A_user_target_reaches_only_that_users_active_devices()
    {
        var user = PushboardClient.Unique("user");
        var (phone, tablet, lost) = (PushboardClient.Unique("phone"), PushboardClient.Unique("tablet"), PushboardClient.Unique("lost"));
        var sharedToken = PushboardClient.Unique("token");
        await _pushboard.RegisterAsync(lost, sharedToken, user);
        await _pushboard.RegisterAsync(phone, PushboardClient.Unique("token"), user);
        await _pushboard.RegisterAsync(tablet, sharedToken, user);
        await _pushboard.RegisterAsync(PushboardClient.Unique("other"), PushboardClient.Unique("token"), PushboardClient.Unique("user"));

        var accepted = await _pushboard.SendAsync(new { target = new { userId = user }, data = new { kind = "ping" } });
        var done = await _pushboard.WaitUntilFinishedAsync(accepted["id"].Text());

        Assert.Equal("completed", done["status"].Text());
        var deliveries = await _pushboard.DeliveriesAsync(accepted["id"].Text());
        Assert.Equal([phone, tablet], deliveries.Select(d => d["deviceId"].Text()).Order(StringComparer.Ordinal));
        Assert.All(deliveries, d => Assert.Equal("sent", d["status"].Text()));
        Assert.Single(await _pushboard.ReceivedAsync(sharedToken));
    }

    [Fact]
    public async Task A_resolve_item_read_again_after_its_resolution_finished_adds_no_delivery()
    {
        // As when the sweeper queued a second item while DeviceApi was slow, or a resolver died after finishing but before
        // acknowledging: the item is read while the first sends are still out, and the user has a new device by then.
        var user = PushboardClient.Unique("user");
        await _pushboard.RegisterAsync(PushboardClient.Unique("phone"), PushboardClient.Unique("token"), user);
        // FCM holds the first send 20 s (Fcm:Timeout is 30 s): the notification is still sending when the item is read
        // again, however slow the machine is between the two.
        (await _pushboard.Emulator.PutAsJsonAsync("/emulator/faults", new { latencyMs = 20000 })).EnsureSuccessStatusCode();
        string id;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            id = (await _pushboard.SendAsync(new { target = new { userId = user }, data = new { kind = "once" } }))["id"].Text();
            await using var db = await fixture.OpenDatabaseAsync("notificationsdb");
            while (!await IsResolvedAsync(db, id))
            {
                await Task.Delay(100, timeout.Token);
            }

            await _pushboard.RegisterAsync(PushboardClient.Unique("tablet"), PushboardClient.Unique("token"), user);
            await ReadResolveItemAgainAsync(id, timeout.Token);

            // Still sending (FCM holds the first send): the item met a resolved notification, not an ended one.
            Assert.Equal("sending", (await _pushboard.PollAsync(id, _ => true, TimeSpan.FromSeconds(5)))["status"].Text());
        }
        finally
        {
            await _pushboard.Emulator.DeleteAsync("/emulator/faults");
        }

        var done = await _pushboard.WaitUntilFinishedAsync(id);
        Assert.Equal("completed", done["status"].Text());
        Assert.Equal((1, 1), (PushboardClient.Count(done, "targeted"), PushboardClient.Count(done, "sent")));
        Assert.Single(await _pushboard.DeliveriesAsync(id));
    }

    [Fact]
    public async Task A_resolve_item_read_again_ends_a_resolution_its_resolver_stopped_in_the_middle_of()
    {
        // Nothing matched, and the resolver stopped after marking the resolution finished, before failing the notification.
        var id = (await _pushboard.SendAsync(new { target = new { userId = PushboardClient.Unique("nobody") }, data = new { a = "b" } }))["id"].Text();
        Assert.Equal("failed", (await _pushboard.WaitUntilFinishedAsync(id))["status"].Text());
        await using var db = await fixture.OpenDatabaseAsync("notificationsdb");
        await using (var stopped = new Npgsql.NpgsqlCommand(
            "UPDATE notifications SET status = 'sending', failure_reason = NULL, completed_at = NULL WHERE id = $1 AND resolved_at IS NOT NULL", db))
        {
            stopped.Parameters.AddWithValue(Guid.Parse(id));
            Assert.Equal(1, await stopped.ExecuteNonQueryAsync());
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await ReadResolveItemAgainAsync(id, timeout.Token);

        var ended = await _pushboard.PollAsync(id, n => n["status"].Text() != "sending", TimeSpan.FromSeconds(10));
        Assert.Equal("failed", ended["status"].Text());
        Assert.Equal("No device matched the target.", ended["failureReason"].Text());
    }

    [Fact]
    public async Task A_resolve_item_read_again_cancels_the_page_a_cancel_cut_short_left_pending()
    {
        // The resolver wrote a page and died before queueing its send item; the cancel wrote `canceled` and stopped (a
        // crash) before it reached the page. Only the resolve item, claimed again, is left to end it.
        var id = Guid.CreateVersion7();
        var token = PushboardClient.Unique("token");
        await using (var db = await NotificationsDb.OpenAsync(fixture))
        {
            await db.Database.ExecuteSqlRawAsync(
                """
                INSERT INTO notifications (id, status, created_at, updated_at, resolved_at, completed_at, queued_through_delivery_id, target, message)
                VALUES ({0}, 'queued', now(), now(), NULL, NULL, 0, '{{"all": true}}', '{{"data": {{"a": "b"}}}}')
                """, id);
            await new DeliveryStore(db, TimeProvider.System).AddAsync(
                id, [new NewDelivery(PushboardClient.Unique("phone"), null, token, DeliveryStatus.Pending, null)],
                new ResolutionPages(writtenBefore: false), CancellationToken.None);
            await db.Database.ExecuteSqlRawAsync("UPDATE notifications SET status = 'canceled', completed_at = now() WHERE id = {0}", id);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await ReadResolveItemAgainAsync(id.ToString(), timeout.Token);

        var canceled = await _pushboard.PollAsync(id.ToString(), _ => true, TimeSpan.FromSeconds(5));
        Assert.Equal("canceled", canceled["status"].Text());
        Assert.Equal((0, 1), (PushboardClient.Count(canceled, "pending"), PushboardClient.Count(canceled, "canceled")));
        Assert.Equal("canceled", Assert.Single(await _pushboard.DeliveriesAsync(id.ToString()))["status"].Text());
        Assert.Empty(await _pushboard.ReceivedAsync(token));
    }

    // Queues a resolve item of the notification, as the sweeper or a redelivery would, and waits until a worker is done with it.
    private async Task ReadResolveItemAgainAsync(string notificationId, CancellationToken cancellationToken)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await fixture.ConnectionStringOf("cache"));
        var database = redis.GetDatabase();
        var entry = await database.StreamAddAsync(Sending.WorkQueue.StreamName,
            [new("kind", "Resolve"), new("notification", notificationId), new("first", 0), new("last", 0), new("traceparent", "")]);
        while ((await database.StreamRangeAsync(Sending.WorkQueue.StreamName, entry, entry)).Length > 0)
        {
            await Task.Delay(100, cancellationToken);
        }
    }

    private static async Task<bool> IsResolvedAsync(Npgsql.NpgsqlConnection db, string notificationId)
    {
        await using var resolved = new Npgsql.NpgsqlCommand("SELECT resolved_at IS NOT NULL FROM notifications WHERE id = $1", db);
        resolved.Parameters.AddWithValue(Guid.Parse(notificationId));
        return (bool)(await resolved.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task A_topic_target_is_one_topic_message()
    {
        var topic = PushboardClient.Unique("news");

        var accepted = await _pushboard.SendAsync(
            new { target = new { topic }, notification = new { title = "Breaking" }, priority = "high", ttlSeconds = 600, collapseKey = "breaking news" });
        var done = await _pushboard.WaitUntilFinishedAsync(accepted["id"].Text());

        var delivery = Assert.Single(await _pushboard.DeliveriesAsync(accepted["id"].Text()));
        Assert.Equal((null, topic, "sent"), ((string?)delivery["deviceId"], delivery["topic"].Text(), delivery["status"].Text()));
        var message = Assert.Single(await _pushboard.ReceivedAsync(topic: topic));
        Assert.Equal("600s", message["android"]!["ttl"].Text());
        Assert.Equal("HIGH", message["android"]!["priority"].Text());
        Assert.Equal("10", message["apns"]!["headers"]!["apns-priority"].Text());
        Assert.Equal("high", message["webpush"]!["headers"]!["Urgency"].Text());
        Assert.Equal(("breaking news", "breaking news"), (message["android"]!["collapse_key"].Text(), message["apns"]!["headers"]!["apns-collapse-id"].Text()));
        Assert.Matches("^[A-Za-z0-9_-]{1,32}$", message["webpush"]!["headers"]!["Topic"].Text());
        Assert.Equal("completed", done["status"].Text());
    }

    [Fact]
    public async Task A_broadcast_reaches_every_active_device()
    {
        var devices = Enumerable.Range(0, 5).Select(_ => (Id: PushboardClient.Unique("all"), Token: PushboardClient.Unique("token"))).ToList();
        foreach (var (id, token) in devices)
        {
            await _pushboard.RegisterAsync(id, token);
        }

        var accepted = await _pushboard.SendAsync(new { target = new { all = true }, notification = new { title = "Hello everyone" } });
        var done = await _pushboard.WaitUntilFinishedAsync(accepted["id"].Text());

        var deliveries = (await _pushboard.DeliveriesAsync(accepted["id"].Text())).ToDictionary(d => d["deviceId"].Text());
        Assert.All(devices, device => Assert.Equal("sent", deliveries[device.Id]["status"].Text()));
        Assert.All(devices, device => Assert.Single(deliveries.Values, d => d["deviceId"].Text() == device.Id));
        Assert.Equal(0, PushboardClient.Count(done, "pending"));
    }

    [Theory]
    [InlineData("unregistered-", "UNREGISTERED", "unregistered")]
    [InlineData("invalid-", "INVALID_ARGUMENT", "invalid_token")]
    [InlineData("mismatch-", "SENDER_ID_MISMATCH", "sender_id_mismatch")]
    public async Task A_dead_token_ends_invalid_and_DeviceApi_marks_the_device_invalid(string tokenPrefix, string fcmError, string invalidReason)
    {
        var device = PushboardClient.Unique("dead");
        await _pushboard.RegisterAsync(device, PushboardClient.Unique(tokenPrefix.TrimEnd('-')).Insert(0, tokenPrefix));

        var accepted = await _pushboard.SendAsync(new { target = new { deviceIds = new[] { device } }, data = new { a = "b" } });
        var done = await _pushboard.WaitUntilFinishedAsync(accepted["id"].Text());

        var delivery = Assert.Single(await _pushboard.DeliveriesAsync(accepted["id"].Text()));
        Assert.Equal(("invalid_token", fcmError, 1), (delivery["status"].Text(), delivery["error"].Text(), (int)delivery["attempts"]!));
        Assert.Equal(1, PushboardClient.Count(done, "invalidToken"));
        var state = await _pushboard.WaitUntilInvalidAsync(device);
        Assert.Equal(invalidReason, state["invalidReason"].Text());
    }

    [Fact]
    public async Task A_third_party_auth_error_fails_the_delivery_and_keeps_the_token()
    {
        var device = PushboardClient.Unique("apns");
        await _pushboard.RegisterAsync(device, PushboardClient.Unique("thirdpartyauth"));

        var accepted = await _pushboard.SendAsync(new { target = new { deviceIds = new[] { device } }, notification = new { title = "x" } });
        await _pushboard.WaitUntilFinishedAsync(accepted["id"].Text());

        var delivery = Assert.Single(await _pushboard.DeliveriesAsync(accepted["id"].Text()));
        Assert.Equal(("failed", "THIRD_PARTY_AUTH_ERROR"), (delivery["status"].Text(), delivery["error"].Text()));
        await _pushboard.InvalidationsAppliedAsync();
        Assert.Equal("active", (await _pushboard.DeviceAsync(device))["status"].Text());
    }

    [Fact]
    public async Task Unavailable_and_quota_answers_are_retried_until_every_delivery_is_sent()
    {
        var devices = Enumerable.Range(0, 10).Select(_ => (Id: PushboardClient.Unique("retry"), Token: PushboardClient.Unique("token"))).ToList();
        foreach (var (id, token) in devices)
        {
            await _pushboard.RegisterAsync(id, token);
        }

        (await _pushboard.Emulator.PutAsJsonAsync("/emulator/faults", new { rate503 = 0.4, rate429 = 0.1, retryAfterSeconds = 1 })).EnsureSuccessStatusCode();
        try
        {
            var accepted = await _pushboard.SendAsync(new { target = new { deviceIds = devices.Select(d => d.Id) }, notification = new { title = "storm" } });
            var done = await _pushboard.WaitUntilFinishedAsync(accepted["id"].Text());

            var deliveries = await _pushboard.DeliveriesAsync(accepted["id"].Text());
            Assert.All(deliveries, d => Assert.Equal("sent", d["status"].Text()));
            Assert.True(deliveries.Sum(d => (int)d["attempts"]!) > devices.Count, "some sends were retried");
            Assert.Equal(10, PushboardClient.Count(done, "sent"));
            Assert.All(devices, device => Assert.Single(_pushboard.ReceivedAsync(device.Token).GetAwaiter().GetResult()));
        }
        finally
        {
            await _pushboard.Emulator.DeleteAsync("/emulator/faults");
        }
    }

    // Google may refuse an access token before it expires (a key deleted, an account disabled); Google.Apis.Auth would
    // hand out the same one until then, and every retry would be refused for up to an hour.
    [Fact]
    public async Task A_send_refused_for_a_revoked_access_token_goes_again_with_a_new_one()
    {
        var (id, token) = (PushboardClient.Unique("revoked"), PushboardClient.Unique("token"));
        await _pushboard.RegisterAsync(id, token);
        var first = await _pushboard.SendAsync(new { target = new { deviceIds = new[] { id } }, data = new { n = "1" } });
        await _pushboard.WaitUntilFinishedAsync(first["id"].Text());

        (await _pushboard.Emulator.DeleteAsync("/emulator/tokens")).EnsureSuccessStatusCode();
        var second = await _pushboard.SendAsync(new { target = new { deviceIds = new[] { id } }, data = new { n = "2" } });
        var done = await _pushboard.WaitUntilFinishedAsync(second["id"].Text(), TimeSpan.FromSeconds(30));

        Assert.Equal("completed", done["status"].Text());
        // On its second attempt, or its first if another send of the shared app met the revoked token first.
        Assert.Equal("sent", Assert.Single(await _pushboard.DeliveriesAsync(second["id"].Text()))["status"].Text());
        Assert.Equal(2, (await _pushboard.ReceivedAsync(token)).Count);
    }

    [Fact]
    public async Task A_target_nobody_matches_fails_with_a_reason()
    {
        var accepted = await _pushboard.SendAsync(new { target = new { userId = PushboardClient.Unique("ghost") }, data = new { a = "b" } });
        var done = await _pushboard.WaitUntilFinishedAsync(accepted["id"].Text());

        Assert.Equal("failed", done["status"].Text());
        Assert.Equal(0, PushboardClient.Count(done, "targeted"));
        Assert.False(string.IsNullOrEmpty(done["failureReason"].Text()));
    }

    [Fact]
    public async Task An_idle_service_asks_redis_for_work_once_per_poll_not_once_per_work_loop()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await fixture.ConnectionStringOf("cache") + ",allowAdmin=true");
        // Idle: what earlier tests queued is done (a done item leaves the stream), so no read finds work and wakes the others.
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            while (await redis.GetDatabase().StreamLengthAsync(Sending.WorkQueue.StreamName) > 0)
            {
                await Task.Delay(200, timeout.Token);
            }
        }

        var server = redis.GetServers()[0];
        var before = await StreamReadsAsync(server);
        await Task.Delay(TimeSpan.FromSeconds(5));
        var perSecond = (await StreamReadsAsync(server) - before) / 5.0;

        // Sending:IdlePoll is 100 ms: one XAUTOCLAIM and one XREADGROUP per poll make 20 a second, DeviceApi's device-events
        // consumer 4 more. The 8 work loops of then, each polling on its own, made 160; none polling, 4.
        Assert.InRange(perSecond, 8, 40);
    }

    [Fact]
    public async Task The_emulator_counts_a_message_sent_again_to_the_same_token_as_a_duplicate_and_not_one_with_another_payload()
    {
        var (device, token) = (PushboardClient.Unique("dup"), PushboardClient.Unique("token"));
        await _pushboard.RegisterAsync(device, token);
        await _pushboard.Emulator.DeleteAsync("/emulator/messages");

        await SendAndWaitAsync(new { target = new { deviceIds = new[] { device } }, data = new { order = "1" } });
        Assert.Equal((1, 0), await AcceptedAndDuplicatesAsync());
        await SendAndWaitAsync(new { target = new { deviceIds = new[] { device } }, data = new { order = "1" } });
        Assert.Equal((2, 1), await AcceptedAndDuplicatesAsync());
        await SendAndWaitAsync(new { target = new { deviceIds = new[] { device } }, data = new { order = "2" } });
        Assert.Equal((3, 1), await AcceptedAndDuplicatesAsync());

        await _pushboard.Emulator.DeleteAsync("/emulator/messages");
        Assert.Equal((0, 0), await AcceptedAndDuplicatesAsync());
        await SendAndWaitAsync(new { target = new { deviceIds = new[] { device } }, data = new { order = "1" } });
        Assert.Equal((1, 0), await AcceptedAndDuplicatesAsync());
    }

    private async Task SendAndWaitAsync(object request)
    {
        var done = await _pushboard.WaitUntilFinishedAsync((await _pushboard.SendAsync(request))["id"].Text());
        Assert.Equal(1, PushboardClient.Count(done, "sent"));
    }

    private async Task<(int Accepted, int Duplicates)> AcceptedAndDuplicatesAsync()
    {
        var stats = (await _pushboard.Emulator.GetFromJsonAsync<JsonObject>("/emulator/stats"))!;
        return ((int)stats["accepted"]!, (int?)stats["duplicates"] ?? 0);
    }

    private static async Task<long> StreamReadsAsync(IServer server) =>
        (await server.InfoAsync("commandstats")).SelectMany(group => group)
            .Where(stat => stat.Key is "cmdstat_xreadgroup" or "cmdstat_xautoclaim")
            .Sum(stat => long.Parse(stat.Value.Split(',')[0]["calls=".Length..], CultureInfo.InvariantCulture));

    public void Dispose() => _pushboard.Dispose();
}
