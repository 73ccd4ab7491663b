using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Pushboard.Tests;

namespace Pushboard.NotificationApi.Tests;

[Collection(NotificationApiCollection.Name)]
public sealed class AcceptingTests(PushboardAppFixture fixture) : IDisposable
{
    private readonly PushboardClient _pushboard = new(fixture);

    [Fact]
    public async Task An_idempotency_key_replay_returns_the_first_notification_and_sends_nothing_twice()
    {
        var device = PushboardClient.Unique("idem");
        var token = PushboardClient.Unique("token");
        await _pushboard.RegisterAsync(device, token);
        var key = PushboardClient.Unique("key");
        var body = new { target = new { deviceIds = new[] { device } }, notification = new { title = "once" } };

        var first = await Post(body, key);
        var firstNotification = (await first.Content.ReadFromJsonAsync<JsonObject>())!;
        await _pushboard.WaitUntilFinishedAsync(firstNotification["id"].Text());
        var replay = await Post(body, key);
        var conflict = await Post(new { target = new { deviceIds = new[] { device } }, notification = new { title = "twice" } }, key);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal($"/api/notifications/{firstNotification["id"].Text()}", first.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(firstNotification["id"].Text(), (await replay.Content.ReadFromJsonAsync<JsonObject>())!["id"].Text());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, conflict.StatusCode);
        Assert.Equal("application/problem+json", conflict.Content.Headers.ContentType?.MediaType);
        await Task.Delay(1000);
        Assert.Single(await _pushboard.ReceivedAsync(token));
    }

    // Before, the 202 answered the clock's 100 ns ticks and a sendAt's seventh digit, where the database keeps microseconds.
    [Fact]
    public async Task The_202_shows_the_times_a_later_get_and_a_replay_show()
    {
        var sendAt = DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-ddTHH:mm:ss.1234567Z", System.Globalization.CultureInfo.InvariantCulture);
        for (var i = 0; i < 3; i++)
        {
            var key = PushboardClient.Unique("key");
            var body = new { target = new { topic = PushboardClient.Unique("t") }, data = new { a = "b" }, sendAt };
            var accepted = (await (await Post(body, key)).Content.ReadFromJsonAsync<JsonObject>())!;
            var stored = (await _pushboard.Notifications.GetFromJsonAsync<JsonObject>($"/api/notifications/{accepted["id"].Text()}"))!;
            var replayed = (await (await Post(body, key)).Content.ReadFromJsonAsync<JsonObject>())!;

            Assert.Equal((accepted["createdAt"].Text(), accepted["sendAt"].Text()), (stored["createdAt"].Text(), stored["sendAt"].Text()));
            Assert.Equal((accepted["createdAt"].Text(), accepted["sendAt"].Text()), (replayed["createdAt"].Text(), replayed["sendAt"].Text()));
        }
    }

    [Fact]
    public async Task An_idempotency_key_older_than_24_hours_makes_a_new_notification()
    {
        var key = PushboardClient.Unique("key");
        var body = new { target = new { topic = "renewed" }, data = new { a = "b" } };
        var first = (await (await Post(body, key)).Content.ReadFromJsonAsync<JsonObject>())!["id"].Text();
        await using (var connection = await fixture.OpenDatabaseAsync("notificationsdb"))
        {
            await using var age = new NpgsqlCommand("UPDATE notifications SET created_at = created_at - interval '25 hours' WHERE id = $1", connection);
            age.Parameters.Add(new NpgsqlParameter { Value = Guid.Parse(first) });
            Assert.Equal(1, await age.ExecuteNonQueryAsync());
        }

        using var again = await Post(body, key);

        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.NotEqual(first, (await again.Content.ReadFromJsonAsync<JsonObject>())!["id"].Text());
    }

    [Theory]
    [InlineData(false, 5000, "4096 bytes")]
    [InlineData(true, 2500, "2048 bytes")]
    public async Task A_payload_over_the_fcm_limit_is_a_400_naming_the_limit(bool topic, int dataLength, string limit)
    {
        object target = topic ? new { topic = "big" } : new { deviceIds = new[] { "some-device" } };

        using var response = await _pushboard.Notifications.PostAsJsonAsync("/api/notifications",
            new { target, data = new { blob = new string('x', dataLength) } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Contains(limit, problem["detail"].Text());
    }

    [Fact]
    public async Task A_payload_just_under_the_limit_is_accepted()
    {
        using var response = await _pushboard.Notifications.PostAsJsonAsync("/api/notifications",
            new { target = new { deviceIds = new[] { PushboardClient.Unique("nobody") } }, data = new { blob = new string('x', 4000) } });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    // FCM counts UTF-8 bytes: 1,300 Hangul syllables are 3,900 of them and 950 emoji 3,800. Before, the check counted
    // their \u escapes (7,800 and 11,400); with the relaxed encoder, still the emoji's.
    [Theory]
    [InlineData("공", 1300, 1400)]
    [InlineData("🎉", 950, 1030)]
    public async Task A_message_beyond_ascii_under_the_limit_is_accepted_and_delivered(string character, int under, int over)
    {
        var device = PushboardClient.Unique("utf8");
        var token = PushboardClient.Unique("token");
        await _pushboard.RegisterAsync(device, token);
        var text = string.Concat(Enumerable.Repeat(character, under));

        using var response = await _pushboard.Notifications.PostAsJsonAsync("/api/notifications",
            new { target = new { deviceIds = new[] { device } }, notification = new { body = text } });
        using var refused = await _pushboard.Notifications.PostAsJsonAsync("/api/notifications",
            new { target = new { deviceIds = new[] { device } }, notification = new { body = string.Concat(Enumerable.Repeat(character, over)) } });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"].Text();
        Assert.Equal("completed", (await _pushboard.WaitUntilFinishedAsync(id))["status"].Text());
        var received = Assert.Single(await _pushboard.ReceivedAsync(token));
        Assert.Equal(text, received["notification"]!["body"].Text());
    }

    // {"data":{"blob":"…"}} is 20 bytes around the blob: 1,000 emoji (4,000 bytes) and 76 x make 4,096, FCM's limit, in
    // NotificationApi's count and in the emulator's.
    [Fact]
    public async Task A_message_of_exactly_the_limit_is_accepted_and_delivered_and_one_byte_more_refused()
    {
        var device = PushboardClient.Unique("limit");
        var token = PushboardClient.Unique("token");
        await _pushboard.RegisterAsync(device, token);
        var blob = string.Concat(Enumerable.Repeat("🎉", 1000)) + new string('x', 76);

        using var response = await _pushboard.Notifications.PostAsJsonAsync("/api/notifications",
            new { target = new { deviceIds = new[] { device } }, data = new { blob } });
        using var refused = await _pushboard.Notifications.PostAsJsonAsync("/api/notifications",
            new { target = new { deviceIds = new[] { device } }, data = new { blob = blob + "x" } });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("4097 bytes", (await refused.Content.ReadFromJsonAsync<JsonObject>())!["detail"].Text());
        var id = (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"].Text();
        Assert.Equal("completed", (await _pushboard.WaitUntilFinishedAsync(id))["status"].Text());
        Assert.Equal(blob, Assert.Single(await _pushboard.ReceivedAsync(token))["data"]!["blob"].Text());
    }

    [Theory]
    [InlineData("""{"notification":{"title":"x"}}""", "target")]
    [InlineData("""{"target":{},"notification":{"title":"x"}}""", "target")]
    [InlineData("""{"target":{"all":false},"notification":{"title":"x"}}""", "target.all")]
    [InlineData("""{"target":{"all":true,"topic":"a"},"notification":{"title":"x"}}""", "target")]
    [InlineData("""{"target":{"all":true}}""", "notification")]
    [InlineData("""{"target":{"all":true},"data":{"n":1}}""", "data.n")]
    [InlineData("""{"target":{"all":true},"data":{"a":"b"},"ttlSeconds":2419201}""", "ttlSeconds")]
    [InlineData("""{"target":{"all":true},"data":{"a":"b"},"priority":"urgent"}""", "priority")]
    [InlineData("""{"target":{"topic":"bad topic!"},"data":{"a":"b"}}""", "target.topic")]
    [InlineData("""{"target":{"deviceIds":["a","a"]},"data":{"a":"b"}}""", "target.deviceIds")]
    [InlineData("""{"target":{"deviceIds":["has space"]},"data":{"a":"b"}}""", "target.deviceIds")]
    // No path can carry the ids . and ..: no device has them.
    [InlineData("""{"target":{"deviceIds":[".."]},"data":{"a":"b"}}""", "target.deviceIds")]
    // Before, a ttlSeconds with apns headers that are not an object was a 500.
    [InlineData("""{"target":{"all":true},"data":{"a":"b"},"ttlSeconds":60,"apns":{"headers":"x"}}""", "apns.headers")]
    [InlineData("""{"target":{"all":true},"data":{"a":"b"},"apns":{"headers":[]}}""", "apns.headers")]
    [InlineData("""{"target":{"all":true},"data":{"a":"b"},"webpush":{"headers":1}}""", "webpush.headers")]
    // On Linux, Uri reads "/img.png" as an absolute file URI: FCM would have refused every message of it.
    [InlineData("""{"target":{"all":true},"notification":{"title":"x","imageUrl":"/img.png"}}""", "notification.imageUrl")]
    [InlineData("""{"target":{"all":true},"notification":{"title":"x","imageUrl":"ftp://example.com/img.png"}}""", "notification.imageUrl")]
    // Before, a name given twice in a platform section was a 500.
    [InlineData("""{"target":{"all":true},"data":{"a":"b"},"ttlSeconds":60,"apns":{"headers":{"apns-priority":"5","apns-priority":"10"}}}""", "apns.headers.apns-priority")]
    [InlineData("""{"target":{"all":true},"data":{"a":"b"},"android":{"priority":"high","priority":"normal"}}""", "android.priority")]
    // 33 characters but 66 bytes: APNs refuses an apns-collapse-id over 64 bytes, so every iOS delivery would have failed.
    [InlineData("""{"target":{"all":true},"data":{"a":"b"},"collapseKey":"ééééééééééééééééééééééééééééééééé"}""", "collapseKey")]
    [InlineData("""{"target":{"all":true},"data":{"a":"b"},"collapseKey":""}""", "collapseKey")]
    // Before, these were 500s: Postgres refuses U+0000 in jsonb, an unpaired surrogate kept as JSON threw when read, and
    // \d let an Arabic-Indic digit through to a parser that refused it.
    [InlineData("""{"target":{"all":true},"notification":{"title":"a\u0000b"}}""", "notification.title")]
    [InlineData("""{"target":{"all":true},"data":{"k":"\u0000"}}""", "data.k")]
    [InlineData("""{"target":{"all":true},"data":{"a":"\ud800"}}""", "data.a")]
    [InlineData("""{"target":{"segment":{"platform":["\ud800"]}},"data":{"a":"b"}}""", "target.segment.platform[0]")]
    [InlineData("""{"target":{"all":true},"data":{"a":"b"},"android":{"notification":{"tag":"\u0000"}}}""", "android.notification.tag")]
    [InlineData("""{"target":{"all":true},"data":{"a":"b"},"localTime":"0\u0669:00"}""", "localTime")]
    // Before, an unknown field was dropped: the first went to every platform, the second was sent at once.
    [InlineData("""{"target":{"all":true,"platform":["ios"]},"notification":{"title":"x"}}""", "target.platform")]
    [InlineData("""{"target":{"deviceIds":["a"]},"notification":{"title":"x"},"send_at":"2030-01-01T09:00:00Z"}""", "send_at")]
    public async Task Bad_requests_are_400_problem_details_naming_the_field(string body, string field)
    {
        using var response = await _pushboard.Notifications.PostAsync("/api/notifications", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(problem["errors"]!.AsObject().ContainsKey(field), $"errors name {field}: {problem}");
    }

    [Fact]
    public async Task A_thousand_and_one_device_ids_are_refused()
    {
        using var response = await _pushboard.Notifications.PostAsJsonAsync("/api/notifications",
            new { target = new { deviceIds = Enumerable.Range(0, 1001).Select(i => $"d{i}") }, data = new { a = "b" } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("wrong-key-0123456789", HttpStatusCode.Unauthorized)]
    [InlineData("app", HttpStatusCode.Forbidden)]
    public async Task Only_the_admin_key_may_use_the_api(string? key, HttpStatusCode expected)
    {
        using var client = fixture.CreateClient("notificationapi", key == "app" ? fixture.AppApiKey : key);

        using var post = await client.PostAsJsonAsync("/api/notifications", new { target = new { all = true }, data = new { a = "b" } });
        using var list = await client.GetAsync("/api/notifications");

        Assert.Equal(expected, post.StatusCode);
        Assert.Equal(expected, list.StatusCode);
        Assert.Equal("application/problem+json", post.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Unknown_and_malformed_ids_are_404_and_bad_cursors_400()
    {
        using var malformed = await _pushboard.Notifications.GetAsync("/api/notifications/not-a-guid");
        using var unknown = await _pushboard.Notifications.GetAsync($"/api/notifications/{Guid.NewGuid()}");
        using var badCursor = await _pushboard.Notifications.GetAsync("/api/notifications?after=garbage!!");
        using var badLimit = await _pushboard.Notifications.GetAsync("/api/notifications?limit=501");

        Assert.Equal(HttpStatusCode.NotFound, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badCursor.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
    }

    [Fact]
    public async Task Empty_query_values_mean_absent_as_a_form_sends_them()
    {
        var id = (await _pushboard.SendAsync(new { target = new { topic = PushboardClient.Unique("t") }, data = new { a = "b" } }))["id"].Text();

        using var history = await _pushboard.Notifications.GetAsync("/api/notifications?status=&after=&limit=");
        using var deliveries = await _pushboard.Notifications.GetAsync($"/api/notifications/{id}/deliveries?status=&after=&limit=");
        using var device = await _pushboard.Notifications.GetAsync("/api/deliveries?deviceId=d-1&limit=");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK), (history.StatusCode, deliveries.StatusCode, device.StatusCode));
        Assert.Contains(id, (await history.Content.ReadFromJsonAsync<JsonObject>())!["items"]!.AsArray().Select(item => item!["id"].Text()));
    }

    [Fact]
    public async Task The_history_pages_newest_first_without_repeats()
    {
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await _pushboard.SendAsync(new { target = new { topic = PushboardClient.Unique("t") }, data = new { i = i.ToString() } }))["id"].Text());
        }

        var seen = new List<string>();
        string? next = null;
        do
        {
            var page = (await _pushboard.Notifications.GetFromJsonAsync<JsonObject>("/api/notifications?limit=2" + (next is null ? "" : "&after=" + next)))!;
            seen.AddRange(page["items"]!.AsArray().Select(item => item!["id"].Text()));
            next = (string?)page["next"];
        }
        while (next is not null && seen.Count < 10_000);

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal([ids[2], ids[1], ids[0]], seen.Take(3));
    }

    [Fact]
    public async Task The_history_lists_one_status_on_request()
    {
        var tomorrow = DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var scheduled = (await _pushboard.SendAsync(new { target = new { topic = PushboardClient.Unique("t") }, data = new { a = "b" }, sendAt = tomorrow }))["id"].Text();
        var now = (await _pushboard.SendAsync(new { target = new { topic = PushboardClient.Unique("t") }, data = new { a = "b" } }))["id"].Text();

        var page = (await _pushboard.Notifications.GetFromJsonAsync<JsonObject>("/api/notifications?status=scheduled&limit=500"))!;
        using var unknown = await _pushboard.Notifications.GetAsync("/api/notifications?status=sleeping");

        var items = page["items"]!.AsArray();
        Assert.Contains(items, item => item!["id"].Text() == scheduled);
        Assert.DoesNotContain(items, item => item!["id"].Text() == now);
        Assert.All(items, item => Assert.Equal("scheduled", item!["status"].Text()));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.True((await unknown.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().ContainsKey("status"));
    }

    private Task<HttpResponseMessage> Post(object body, string idempotencyKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/notifications") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return _pushboard.Notifications.SendAsync(request);
    }

    public void Dispose() => _pushboard.Dispose();
}
