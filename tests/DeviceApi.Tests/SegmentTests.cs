using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Pushboard.Contracts.Segments;

namespace Pushboard.DeviceApi.Tests;

// API.md "segment" and POST /api/devices/count: the exact active audience of each condition kind, the pages of the
// device query with a segment, and the bad segments. Each test tags its devices with a run of its own and names that
// tag in every segment, so the devices of other tests do not count.
[Collection(DeviceApiCollection.Name)]
public sealed class SegmentTests(DeviceApiFixture fixture)
{
    private readonly HttpClient _admin = fixture.Admin();

    [Fact]
    public async Task Count_answers_the_exact_active_audience_of_each_condition_kind()
    {
        var run = Guid.NewGuid().ToString("N");
        (string Name, string Platform, string? Locale, string? Version, string? Plan, string? User)[] devices =
        [
            ("ios-ko-3.10", "ios", "ko-KR", "3.10.0", "pro", $"u1-{run}"),
            ("android-ko-3.9", "android", "ko", "3.9.1", "free", $"u2-{run}"),
            ("ios-kok-3.12", "ios", "kok-IN", "3.12", "pro", null),
            ("web-en-beta", "web", "en-US", "3.10.0-beta.2", "team", null),
            ("ios-ko-null", "ios", "ko-KR", null, null, null),
            ("android-ko-garbage", "android", "ko-KR", "build 7", null, null),
            ("ios-ko-invalid", "ios", "ko-KR", "3.10", "pro", $"u1-{run}"),
            ("ios-en-unseen", "ios", "en", "3.11", null, null),
        ];
        var ids = new Dictionary<string, string>();
        foreach (var device in devices)
        {
            var id = ids[device.Name] = TestData.NewId("seg");
            var tags = new Dictionary<string, string> { ["run"] = run };
            if (device.Plan is not null)
            {
                tags["plan"] = device.Plan;
            }

            (await _admin.PutDevice(id, new
            {
                fcmToken = TestData.NewToken(), platform = device.Platform, locale = device.Locale, appVersion = device.Version, userId = device.User, tags,
            })).EnsureSuccessStatusCode();
        }

        await using (var db = await fixture.DevicesDbAsync())
        {
            await Sql(db, "UPDATE devices SET status = 'invalid', invalid_reason = 'unregistered' WHERE device_id = $1", ids["ios-ko-invalid"]);
            await Sql(db, "UPDATE devices SET last_seen_at = now() - interval '40 days' WHERE device_id = $1", ids["ios-en-unseen"]);
        }

        var runTag = $"\"tags\":{{\"run\":\"{run}\"}}";
        async Task<long> CountAsync(string conditions) =>
            await Count($"{{{runTag}{(conditions.Length > 0 ? "," + conditions : "")}}}");

        Assert.Equal(7, await CountAsync(""));
        Assert.Equal(4, await CountAsync("""  "locale":["ko"]  """));
        Assert.Equal(1, await CountAsync("""  "locale":["kok"]  """));
        Assert.Equal(3, await CountAsync("""  "locale":["ko-KR"]  """));
        Assert.Equal(3, await CountAsync("""  "locale":["en","kok"]  """));
        Assert.Equal(2, await CountAsync("""  "locale":["kok","en-US"]  """));
        Assert.Equal(3, await CountAsync("""  "appVersion":{"min":"3.10"}  """));
        Assert.Equal(1, await CountAsync("""  "appVersion":{"max":"3.9.9"}  """));
        Assert.Equal(1, await CountAsync("""  "appVersion":{"min":"3.10.0-beta.1","max":"3.10.0-beta.10"}  """));
        Assert.Equal(5, await CountAsync("""  "appVersion":{"max":"99"}  """));
        Assert.Equal(4, await CountAsync("""  "platform":["ios"]  """));
        Assert.Equal(1, await CountAsync("""  "platform":["ios"],"locale":["ko"],"appVersion":{"min":"3.10"}  """));
        Assert.Equal(6, await CountAsync("""  "lastSeenWithinDays":30  """));
        Assert.Equal(2, await Count($$$"""{"tags":{"run":"{{{run}}}","plan":"pro"}}"""));
        Assert.Equal(3, await Count($$$"""{"tags":{"run":["{{{run}}}"],"plan":["pro","team"]}}"""));
        Assert.Equal(2, await CountAsync($$$"""  "userIds":["u1-{{{run}}}","u2-{{{run}}}"]  """));
    }

    [Fact]
    public async Task The_device_query_pages_a_segments_active_devices_in_device_id_order()
    {
        var run = Guid.NewGuid().ToString("N");
        var ids = Enumerable.Range(0, 5).Select(i => $"segpage-{run}-{i}").ToList();
        foreach (var id in ids)
        {
            (await _admin.PutDevice(id, new { fcmToken = TestData.NewToken(), platform = "web", tags = new { run } })).EnsureSuccessStatusCode();
        }

        var seen = new List<string>();
        string? after = null;
        do
        {
            using var response = await _admin.PostAsJsonAsync("/api/devices/query", new { segment = new { tags = new { run } }, after, limit = 2 });
            var page = (await response.Content.ReadFromJsonAsync<PageDto>())!;
            Assert.InRange(page.Items.Count, 1, 2);
            seen.AddRange(page.Items.Select(d => d.DeviceId));
            after = page.Next;
        }
        while (after is not null);

        Assert.Equal(ids, seen);
    }

    // The SQL key of the SegmentIndexes migration orders versions as Contracts' AppVersion does.
    [Fact]
    public async Task A_min_bound_counts_the_versions_AppVersion_puts_at_or_above_it()
    {
        string[] versions =
        [
            "0", "1", "1.0.1", "1.2", "1.10", "1.9.9", "01.02.003", "2.0.0-alpha", "2.0.0-alpha.1", "2.0.0-alpha.beta", "2.0.0-beta",
            "2.0.0-beta.2", "2.0.0-beta.11", "2.0.0-rc.1", "2.0.0", "2.0.0+build.7", "2.0", "10.0.0", "99999999999999999999.1",
        ];
        var run = Guid.NewGuid().ToString("N");
        foreach (var version in versions)
        {
            (await _admin.PutDevice(TestData.NewId("ver"), new { fcmToken = TestData.NewToken(), platform = "android", appVersion = version, tags = new { run } }))
                .EnsureSuccessStatusCode();
        }

        var parsed = versions.Select(v => AppVersion.TryParse(v, out var version) ? version : throw new InvalidOperationException(v)).ToList();
        foreach (var (bound, boundVersion) in versions.Zip(parsed))
        {
            var expected = parsed.Count(version => version.CompareTo(boundVersion) >= 0);
            Assert.Equal((bound, expected), (bound, await Count($$$"""{"tags":{"run":"{{{run}}}"},"appVersion":{"min":"{{{bound}}}"}}""")));
        }
    }

    [Theory]
    [InlineData("""{"segment":{}}""", "segment")]
    [InlineData("""{"segment":{"plan":"pro"}}""", "segment.plan")]
    [InlineData("""{"segment":{"appVersion":{"min":"3.10","max":"3.9"}}}""", "segment.appVersion")]
    [InlineData("""{"segment":{"appVersion":{"min":"3.x"}}}""", "segment.appVersion.min")]
    [InlineData("""{"segment":{"appVersion":{"max":"1.2.3.4"}}}""", "segment.appVersion.max")]
    [InlineData("""{"segment":{"lastSeenWithinDays":0}}""", "segment.lastSeenWithinDays")]
    [InlineData("""{"segment":{"lastSeenWithinDays":366}}""", "segment.lastSeenWithinDays")]
    [InlineData("""{"segment":{"platform":["ios","tv"]}}""", "segment.platform")]
    [InlineData("""{"segment":{"locale":[]}}""", "segment.locale")]
    [InlineData("""{"segment":{"tags":{"bad key":"x"}}}""", "segment.tags.bad key")]
    [InlineData("""{"segment":{"tags":{"plan":[1]}}}""", "segment.tags.plan")]
    [InlineData("""{}""", "segment")]
    // Before, 500s: reading an unpaired surrogate kept as JSON threw.
    [InlineData("""{"segment":{"platform":["\ud800"]}}""", "segment.platform[0]")]
    [InlineData("""{"segment":{"tags":{"plan":"\udc00x"}}}""", "segment.tags.plan")]
    public async Task A_bad_segment_is_a_400_naming_the_field(string body, string field)
    {
        using var response = await _admin.PostAsync("/api/devices/count", new StringContent(body, Encoding.UTF8, "application/json"));
        await response.AssertValidationErrors(field);
    }

    [Fact]
    public async Task A_thousand_and_one_user_ids_are_a_400()
    {
        var userIds = Enumerable.Range(0, 1001).Select(i => $"u-{i}");
        using var response = await _admin.PostAsJsonAsync("/api/devices/count", new { segment = new { userIds } });
        await response.AssertValidationErrors("segment.userIds");
        using var allowed = await _admin.PostAsJsonAsync("/api/devices/count", new { segment = new { userIds = userIds.Take(1000) } });
        Assert.Equal(0, (await allowed.Content.ReadFromJsonAsync<JsonObject>())!["count"]!.GetValue<long>());
    }

    [Fact]
    public async Task Counting_takes_the_admin_key() =>
        Assert.Equal(403, (int)(await fixture.AppKeyOnly().PostAsJsonAsync("/api/devices/count", new { segment = new { platform = new[] { "ios" } } })).StatusCode);

    private async Task<long> Count(string segmentJson)
    {
        using var response = await _admin.PostAsync("/api/devices/count", new StringContent($"{{\"segment\":{segmentJson}}}", Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body.GetProperty("count").GetInt64();
    }

    private static async Task Sql(NpgsqlDataSource db, string sql, string deviceId)
    {
        await using var command = db.CreateCommand(sql);
        command.Parameters.AddWithValue(deviceId);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
