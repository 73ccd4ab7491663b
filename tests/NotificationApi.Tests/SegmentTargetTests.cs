using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pushboard.Tests;

namespace Pushboard.NotificationApi.Tests;

// API.md "segment" as a notification target: checked with the shared rules, stored and echoed as given, resolved by
// DeviceApi to the matching active devices.
[Collection(NotificationApiCollection.Name)]
public sealed class SegmentTargetTests(PushboardAppFixture fixture) : IDisposable
{
    private readonly PushboardClient _pushboard = new(fixture);
    private readonly HttpClient _devices = fixture.CreateAdminClient("deviceapi");

    [Fact]
    public async Task A_segment_reaches_exactly_its_matching_active_devices_and_the_target_echoes_it()
    {
        var run = Guid.NewGuid().ToString("N");
        var matching = new[] { ("ios", "ko-KR", "3.10.0"), ("ios", "ko", "3.12.1") };
        var others = new[] { ("ios", "kok-IN", "3.11"), ("android", "ko-KR", "3.10"), ("ios", "ko-KR", "3.9.9"), ("ios", "ko-KR", "3.10.0-rc.1"), ("ios", "ko-KR", "x") };
        var matchingTokens = await RegisterAsync(run, matching);
        var otherTokens = await RegisterAsync(run, others);
        var invalidToken = (await RegisterAsync(run, [("ios", "ko-KR", "3.10.1")]))[0];
        await _devices.PutAsJsonAsync($"/api/devices/{PushboardClient.Unique("taker")}", new { fcmToken = invalidToken, platform = "web" });

        var segment = new JsonObject
        {
            ["platform"] = new JsonArray("ios"), ["locale"] = new JsonArray("ko"), ["appVersion"] = new JsonObject { ["min"] = "3.10" },
            ["tags"] = new JsonObject { ["run"] = run },
        };
        var accepted = await _pushboard.SendAsync(new { target = new { segment }, notification = new { title = "For Korean iOS 3.10+" } });
        Assert.Equal(segment.ToJsonString(), accepted["target"]!["segment"]!.ToJsonString());
        var done = await _pushboard.WaitUntilFinishedAsync(accepted["id"].Text());

        Assert.Equal(("completed", 2, 2), (done["status"].Text(), PushboardClient.Count(done, "targeted"), PushboardClient.Count(done, "sent")));
        // Stored as jsonb: the same object, its members in Postgres's order.
        Assert.True(JsonNode.DeepEquals(segment, done["target"]!["segment"]), done["target"]!.ToJsonString());
        foreach (var token in matchingTokens)
        {
            Assert.Equal("For Korean iOS 3.10+", Assert.Single(await _pushboard.ReceivedAsync(token))["notification"]!["title"].Text());
        }

        foreach (var token in otherTokens)
        {
            Assert.Empty(await _pushboard.ReceivedAsync(token));
        }
    }

    // API.md allows 1,000 user ids of up to 256 characters: written out, far more than the 64 KiB DeviceApi reads, so the
    // resolver asks for the segment in parts. Before, DeviceApi refused the whole query (413) and the notification failed.
    [Fact]
    public async Task A_segment_of_a_thousand_long_user_ids_reaches_the_devices_of_those_users()
    {
        var run = Guid.NewGuid().ToString("N");
        var userIds = Enumerable.Range(0, 1000).Select(i => $"{run}-{i:D4}-{new string('u', 200)}").ToList();
        var tokens = new List<string>();
        foreach (var userId in new[] { userIds[0], userIds[499], userIds[999] })
        {
            var token = PushboardClient.Unique("token");
            using var response = await _devices.PutAsJsonAsync($"/api/devices/{PushboardClient.Unique("users")}", new { fcmToken = token, platform = "android", userId });
            response.EnsureSuccessStatusCode();
            tokens.Add(token);
        }

        var accepted = await _pushboard.SendAsync(new { target = new { segment = new { userIds } }, notification = new { title = "To a thousand users" } });
        var done = await _pushboard.WaitUntilFinishedAsync(accepted["id"].Text());

        Assert.Equal(("completed", 3, 3), (done["status"].Text(), PushboardClient.Count(done, "targeted"), PushboardClient.Count(done, "sent")));
        foreach (var token in tokens)
        {
            Assert.Single(await _pushboard.ReceivedAsync(token));
        }
    }

    [Fact]
    public async Task A_segment_that_matches_nothing_ends_failed_with_nothing_targeted()
    {
        var accepted = await _pushboard.SendAsync(new { target = new { segment = new { tags = new { run = Guid.NewGuid().ToString("N") } } }, data = new { a = "b" } });
        var done = await _pushboard.WaitUntilFinishedAsync(accepted["id"].Text());

        Assert.Equal(("failed", 0), (done["status"].Text(), PushboardClient.Count(done, "targeted")));
        Assert.False(string.IsNullOrEmpty(done["failureReason"].Text()));
    }

    [Theory]
    [InlineData("""{}""", "target.segment")]
    [InlineData("""{"plan":"pro"}""", "target.segment.plan")]
    [InlineData("""{"appVersion":{"min":"3.10","max":"3.9"}}""", "target.segment.appVersion")]
    [InlineData("""{"appVersion":{"min":"v3"}}""", "target.segment.appVersion.min")]
    [InlineData("""{"lastSeenWithinDays":0}""", "target.segment.lastSeenWithinDays")]
    [InlineData("""{"lastSeenWithinDays":366}""", "target.segment.lastSeenWithinDays")]
    [InlineData("""{"userIds":[]}""", "target.segment.userIds")]
    [InlineData("""{"platform":["ios"],"platform":["web"]}""", "target.segment.platform")]
    public async Task A_bad_segment_is_a_400_naming_the_field_and_stores_nothing(string segment, string field) =>
        await AssertRefusedAsync($$$"""{"target":{"segment":{{{segment}}}},"data":{"a":"b"}}""", field);

    // Only user ids are cut into parts: conditions that alone exceed one DeviceApi query are refused when sent, not failed later.
    [Fact]
    public async Task A_segment_whose_tags_alone_exceed_one_DeviceApi_query_is_refused() =>
        await AssertRefusedAsync(
            JsonSerializer.Serialize(new
            {
                target = new
                {
                    segment = new { tags = Enumerable.Range(0, 3).ToDictionary(key => $"k{key}", key => Enumerable.Range(0, 100).Select(i => $"{i}-{new string('v', 250)}")) },
                },
                data = new { a = "b" },
            }),
            "target.segment");

    [Fact]
    public async Task A_thousand_and_one_user_ids_are_refused() =>
        await AssertRefusedAsync(
            $$$"""{"target":{"segment":{"userIds":[{{{string.Join(",", Enumerable.Range(0, 1001).Select(i => $"\"u-{i}\""))}}}]}},"data":{"a":"b"}}""",
            "target.segment.userIds");

    [Fact]
    public async Task A_segment_with_another_target_kind_is_refused() =>
        await AssertRefusedAsync("""{"target":{"all":true,"segment":{"platform":["ios"]}},"data":{"a":"b"}}""", "target");

    public void Dispose()
    {
        _pushboard.Dispose();
        _devices.Dispose();
    }

    // Nothing stored: the request's Idempotency-Key is free afterwards, so a valid request with it makes a new notification.
    private async Task AssertRefusedAsync(string body, string field)
    {
        var key = Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/notifications") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await _pushboard.Notifications.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(problem["errors"]!.AsObject().ContainsKey(field), $"errors name {field}: {problem}");

        using var valid = new HttpRequestMessage(HttpMethod.Post, "/api/notifications")
        {
            Content = new StringContent("""{"target":{"topic":"segment-check"},"data":{"a":"b"}}""", Encoding.UTF8, "application/json"),
        };
        valid.Headers.Add("Idempotency-Key", key);
        using var accepted = await _pushboard.Notifications.SendAsync(valid);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
    }

    private async Task<List<string>> RegisterAsync(string run, IEnumerable<(string Platform, string Locale, string Version)> devices)
    {
        var tokens = new List<string>();
        foreach (var (platform, locale, version) in devices)
        {
            var token = PushboardClient.Unique("token");
            using var response = await _devices.PutAsJsonAsync($"/api/devices/{PushboardClient.Unique("seg")}",
                new { fcmToken = token, platform, locale, appVersion = version, tags = new { run } });
            response.EnsureSuccessStatusCode();
            tokens.Add(token);
        }

        return tokens;
    }
}
