using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Pushboard.Tests;

namespace Pushboard.DeviceApi.Tests;

// API.md "DeviceApi": timeZone and tags on the device, and PATCH /api/devices/{deviceId} as a JSON merge patch.
[Collection(DeviceApiCollection.Name)]
public sealed class DeviceAttributesTests(DeviceApiFixture fixture)
{
    private readonly HttpClient _admin = fixture.Admin();

    [Fact]
    public async Task Put_stores_time_zone_and_tags_as_given_and_an_omitted_field_clears_them()
    {
        var id = TestData.NewId();
        var created = await Json(await _admin.PutDevice(id, new
        {
            fcmToken = TestData.NewToken(), platform = "ios", timeZone = "Asia/Calcutta", tags = new Dictionary<string, string> { ["plan"] = "pro", ["beta.group-2"] = "요금제" },
        }), HttpStatusCode.Created);
        Assert.Equal("Asia/Calcutta", created["timeZone"].Text());
        Assert.Equal("""{"plan":"pro","beta.group-2":"요금제"}""", created["tags"]!.ToJsonString(Unescaped));

        var replaced = await Json(await _admin.PutDevice(id, new { fcmToken = TestData.NewToken(), platform = "ios" }), HttpStatusCode.OK);
        Assert.Null(replaced["timeZone"]);
        Assert.Equal("{}", replaced["tags"]!.ToJsonString());
    }

    [Theory]
    [InlineData("""{"timeZone":"Korea Standard Time"}""", "timeZone")]
    [InlineData("""{"timeZone":"asia/seoul"}""", "timeZone")]
    [InlineData("""{"timeZone":"Mars/Olympus"}""", "timeZone")]
    [InlineData("""{"tags":{"bad key":"x"}}""", "tags")]
    [InlineData("""{"tags":{"plan":""}}""", "tags")]
    [InlineData("""{"tags":{"plan":null}}""", "tags")]
    [InlineData("""{"tags":{"plan":"a\u0007b"}}""", "tags")]
    public async Task Put_refuses_a_bad_time_zone_or_tag_and_stores_nothing(string fields, string field)
    {
        var id = TestData.NewId();
        var body = JsonNode.Parse(fields)!.AsObject();
        body["fcmToken"] = TestData.NewToken();
        body["platform"] = "android";
        using var response = await _admin.PutAsync($"/api/devices/{id}", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

        var problem = await Json(response, HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]![field]);
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.GetAsync($"/api/devices/{id}")).StatusCode);
    }

    [Fact]
    public async Task Put_refuses_33_tags()
    {
        var tags = Enumerable.Range(0, 33).ToDictionary(i => $"t{i}", i => "x");
        using var response = await _admin.PutDevice(TestData.NewId(), new { fcmToken = TestData.NewToken(), platform = "web", tags });
        Assert.NotNull((await Json(response, HttpStatusCode.BadRequest))["errors"]!["tags"]);
    }

    [Fact]
    public async Task Patch_merges_tags_key_by_key_clears_nulls_and_leaves_absent_fields_alone()
    {
        var id = TestData.NewId();
        var token = TestData.NewToken();
        await Json(await _admin.PutDevice(id, new
        {
            fcmToken = token, platform = "android", userId = "u-1", appVersion = "1.0.0", locale = "ko-KR", timeZone = "Asia/Seoul",
            tags = new { plan = "free", cohort = "a" },
        }), HttpStatusCode.Created);

        var patched = await Json(await Patch(id, """{"appVersion":"1.1.0","locale":null,"tags":{"plan":"pro","cohort":null,"beta":"yes"}}""", "application/merge-patch+json"), HttpStatusCode.OK);

        Assert.Equal(("u-1", "1.1.0", (string?)null, "Asia/Seoul", token, "android"),
            (patched["userId"].Text(), patched["appVersion"].Text(), patched["locale"]?.GetValue<string>(), patched["timeZone"].Text(), patched["fcmToken"].Text(), patched["platform"].Text()));
        Assert.Equal("""{"beta":"yes","plan":"pro"}""", Sorted(patched["tags"]!));

        var cleared = await Json(await Patch(id, """{"tags":null,"userId":null,"timeZone":"America/New_York"}""", "application/json"), HttpStatusCode.OK);
        Assert.Equal("{}", cleared["tags"]!.ToJsonString());
        Assert.Null(cleared["userId"]);
        Assert.Equal("America/New_York", cleared["timeZone"].Text());
        Assert.Equal(cleared.ToJsonString(), (await Json(await _admin.GetAsync($"/api/devices/{id}"), HttpStatusCode.OK)).ToJsonString());
    }

    [Theory]
    [InlineData("""{"fcmToken":"t"}""", "fcmToken")]
    [InlineData("""{"platform":"ios"}""", "platform")]
    [InlineData("""{"status":"invalid"}""", "status")]
    [InlineData("""{"appVersion":3}""", "appVersion")]
    [InlineData("""{"timeZone":"Korea Standard Time"}""", "timeZone")]
    [InlineData("""{"tags":["a"]}""", "tags")]
    [InlineData("""{"tags":{"plan":1}}""", "tags")]
    [InlineData("""[]""", "body")]
    // Before, a 500: reading an unpaired surrogate kept as JSON threw.
    [InlineData("""{"locale":"\ud800"}""", "locale")]
    public async Task Patch_refuses_what_a_merge_patch_may_not_change_and_changes_nothing(string body, string field)
    {
        var id = TestData.NewId();
        var before = await Json(await _admin.PutDevice(id, new { fcmToken = TestData.NewToken(), platform = "android", appVersion = "1.0.0" }), HttpStatusCode.Created);

        var problem = await Json(await Patch(id, body, "application/merge-patch+json"), HttpStatusCode.BadRequest);

        Assert.NotNull(problem["errors"]![field]);
        Assert.Equal(before.ToJsonString(), (await Json(await _admin.GetAsync($"/api/devices/{id}"), HttpStatusCode.OK)).ToJsonString());
    }

    [Fact]
    public async Task Patch_that_would_leave_more_than_32_tags_is_refused_and_an_unknown_device_is_404()
    {
        var id = TestData.NewId();
        var tags = Enumerable.Range(0, 32).ToDictionary(i => $"t{i}", i => "x");
        await Json(await _admin.PutDevice(id, new { fcmToken = TestData.NewToken(), platform = "android", tags }), HttpStatusCode.Created);

        Assert.NotNull((await Json(await Patch(id, """{"tags":{"one-more":"x"}}""", "application/json"), HttpStatusCode.BadRequest))["errors"]!["tags"]);
        Assert.Equal(32, (await Json(await _admin.GetAsync($"/api/devices/{id}"), HttpStatusCode.OK))["tags"]!.AsObject().Count);
        Assert.Equal(HttpStatusCode.OK, (await Patch(id, """{"tags":{"t0":null,"one-more":"x"}}""", "application/json")).StatusCode);
        await Json(await Patch(TestData.NewId(), """{"locale":"en"}""", "application/json"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Concurrent_patches_of_one_device_tags_all_merge()
    {
        var id = TestData.NewId();
        await Json(await _admin.PutDevice(id, new { fcmToken = TestData.NewToken(), platform = "android" }), HttpStatusCode.Created);

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Patch(id, $"{{\"tags\":{{\"k{i}\":\"v\"}}}}", "application/json")));

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.OK, answer.StatusCode));
        Assert.Equal(20, (await Json(await _admin.GetAsync($"/api/devices/{id}"), HttpStatusCode.OK))["tags"]!.AsObject().Count);
    }

    [Fact]
    public async Task Patch_member_names_are_exact_and_the_last_of_a_repeated_member_counts()
    {
        var id = TestData.NewId();
        await Json(await _admin.PutDevice(id, new { fcmToken = TestData.NewToken(), platform = "android", userId = "u-1", tags = new { a = "x" } }), HttpStatusCode.Created);

        Assert.NotNull((await Json(await Patch(id, """{"UserID":null}""", "application/json"), HttpStatusCode.BadRequest))["errors"]!["UserID"]);
        var patched = await Json(await Patch(id, """{"tags":{"b":"y"},"tags":null}""", "application/json"), HttpStatusCode.OK);
        Assert.Equal(("u-1", "{}"), (patched["userId"].Text(), patched["tags"]!.ToJsonString()));
    }

    private static readonly System.Text.Json.JsonSerializerOptions Unescaped = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private Task<HttpResponseMessage> Patch(string id, string body, string contentType) =>
        _admin.PatchAsync($"/api/devices/{id}", new StringContent(body, Encoding.UTF8, contentType));

    private static string Sorted(JsonNode tags) =>
        new JsonObject(tags.AsObject().OrderBy(tag => tag.Key, StringComparer.Ordinal)
            .Select(tag => KeyValuePair.Create(tag.Key, tag.Value?.DeepClone()))).ToJsonString();

    private static async Task<JsonObject> Json(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }
}
