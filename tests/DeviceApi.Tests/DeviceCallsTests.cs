using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Pushboard.Tests;

namespace Pushboard.DeviceApi.Tests;

[Collection(DeviceApiCollection.Name)]
public sealed class DeviceCallsTests(DeviceApiFixture fixture)
{
    private readonly HttpClient _app = fixture.AppClient();
    private readonly HttpClient _admin = fixture.Admin();

    [Fact]
    public async Task Put_creates_then_replaces_every_field()
    {
        var id = TestData.NewId();
        var token = TestData.NewToken();
        var created = await _app.PutDevice(id, new { fcmToken = token, platform = "android", userId = "김민준@example.com", userIdHash = fixture.Vouch("김민준@example.com"), appVersion = "3.1.0", locale = "ko-KR" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/devices/{id}", created.Headers.Location?.OriginalString);
        var device = (await created.Content.ReadFromJsonAsync<DeviceDto>())!;
        Assert.Equal((id, token, "android", "김민준@example.com", "3.1.0", "ko-KR", "active", (string?)null),
            (device.DeviceId, device.FcmToken, device.Platform, device.UserId, device.AppVersion, device.Locale, device.Status, device.InvalidReason));
        Assert.Equal(device.CreatedAt, device.TokenUpdatedAt);

        var raw = await (await _admin.GetAsync($"/api/devices/{id}")).Content.ReadAsStringAsync();
        Assert.Matches("\"createdAt\":\"[0-9T:.-]+Z\"", raw);

        var replaced = await _app.PutDevice(id, new { fcmToken = token, platform = "ios" });
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        var updated = (await replaced.Content.ReadFromJsonAsync<DeviceDto>())!;
        Assert.Equal(("ios", (string?)null, (string?)null, (string?)null), (updated.Platform, updated.UserId, updated.AppVersion, updated.Locale));
        Assert.Equal(device.TokenUpdatedAt, updated.TokenUpdatedAt);
        Assert.Equal(device.CreatedAt, updated.CreatedAt);
        Assert.True(updated.LastSeenAt > device.LastSeenAt);

        var newToken = TestData.NewToken();
        var withNewToken = await _app.Register(id, newToken, "ios");
        Assert.True(withNewToken.TokenUpdatedAt > updated.TokenUpdatedAt);
        Assert.Equal(newToken, (await _admin.GetDevice(id)).FcmToken);
    }

    [Fact]
    public async Task Put_reactivates_an_invalid_device()
    {
        var (a, b, token) = (TestData.NewId(), TestData.NewId(), TestData.NewToken());
        await _app.Register(a, token);
        await _app.Register(b, token);
        Assert.Equal("invalid", (await _admin.GetDevice(a)).Status);

        var again = await _app.Register(a, TestData.NewToken());
        Assert.Equal(("active", (string?)null), (again.Status, again.InvalidReason));
    }

    [Fact]
    public async Task Put_rejects_every_bad_field_and_changes_nothing()
    {
        var id = TestData.NewId();
        var token = TestData.NewToken();
        await _app.Register(id, token, "web", "u-1", fixture.Vouch("u-1"));

        var response = await _app.PutDevice(id, new
        {
            fcmToken = "has space",
            platform = "windows",
            userId = "bell\u0007",
            userIdHash = fixture.Vouch("bell\u0007"),
            appVersion = new string('9', 65),
            locale = new string('k', 65),
        });
        await response.AssertValidationErrors("fcmToken", "platform", "userId", "appVersion", "locale");

        await (await _app.PutDevice("bad id!", new { platform = "android" })).AssertValidationErrors("deviceId", "fcmToken");
        await (await _app.PutDevice(new string('a', 129), new { fcmToken = "t", platform = "ios" })).AssertValidationErrors("deviceId");
        await (await _app.PutDevice(id, new { fcmToken = new string('t', 4097), platform = "ios", userId = "", userIdHash = fixture.Vouch("") })).AssertValidationErrors("fcmToken", "userId");

        var unchanged = await _admin.GetDevice(id);
        Assert.Equal((token, "web", "u-1"), (unchanged.FcmToken, unchanged.Platform, unchanged.UserId));
    }

    [Fact]
    public async Task Put_accepts_the_longest_values()
    {
        var id = "A.b_c:d-" + new string('z', 120);
        var token = (TestData.NewToken() + new string('x', 4096))[..4096];
        var userId = string.Concat(Enumerable.Repeat("😀", 256));
        var device = await _app.Register(id, token, "web", userId, fixture.Vouch(userId));
        Assert.Equal((id, token, userId), (device.DeviceId, device.FcmToken, device.UserId));
    }

    [Fact]
    public async Task Body_errors_are_problem_details()
    {
        var id = TestData.NewId();
        await (await _app.PutAsync($"/api/devices/{id}", new StringContent("{\"fcmToken\":", Encoding.UTF8, "application/json"))).AssertProblem(400);
        await (await _app.PutAsync($"/api/devices/{id}", new StringContent("{\"fcmToken\":5}", Encoding.UTF8, "application/json"))).AssertValidationErrors("fcmToken");
        await (await _app.PutAsync($"/api/devices/{id}", new StringContent("[]", Encoding.UTF8, "application/json"))).AssertValidationErrors("body");
        await (await _app.PutAsJsonAsync($"/api/devices/{id}", new { fcmToken = TestData.NewToken(), platform = "ios", tags = new { level = 3 } }))
            .AssertValidationErrors("tags.level");
        await (await _app.PutAsync($"/api/devices/{id}", new StringContent("""{"fcmToken":"t","platform":"ios","tags":{"my key":3}}""", Encoding.UTF8, "application/json")))
            .AssertValidationErrors("tags.my key");
        await (await _app.PutAsync($"/api/devices/{id}", new StringContent("""{"fcmToken":"t","platform":"ios","tags":{"it's":3}}""", Encoding.UTF8, "application/json")))
            .AssertValidationErrors("tags.it's");
        await (await _app.PutAsync($"/api/devices/{id}", new StringContent("{}", Encoding.UTF8, "text/plain"))).AssertProblem(415);
        // Before, the framework's binding took any type ending in +json.
        var valid = JsonSerializer.Serialize(new { fcmToken = TestData.NewToken(), platform = "ios" });
        await (await _app.PutAsync($"/api/devices/{id}", new StringContent(valid, Encoding.UTF8, "text/plain+json"))).AssertProblem(415);
        await (await _app.PutAsync($"/api/devices/{id}", new StringContent(valid, Encoding.UTF8, "application/merge-patch+json"))).AssertProblem(415);
        await (await _admin.PostAsync("/api/devices/count", new StringContent("""{"segment":{"platform":["ios"]}}""", Encoding.UTF8, "application/vnd.count+json")))
            .AssertProblem(415);
        var huge = new StringContent(JsonSerializer.Serialize(new { fcmToken = new string('t', 70_000), platform = "ios" }), Encoding.UTF8, "application/json");
        await (await _app.SendAsync(OverLimitBody.Request(HttpMethod.Put, $"/api/devices/{id}", huge))).AssertProblem(413);
        await (await _admin.PostAsync($"/api/devices/{id}", JsonContent.Create(new { }))).AssertProblem(405);
        await (await _admin.GetAsync("/api/nothing-here")).AssertProblem(404);
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.GetAsync($"/api/devices/{id}")).StatusCode);
    }

    // Before, these took any body of any type and size.
    [Fact]
    public async Task Endpoints_that_read_no_body_refuse_one_of_another_type_or_over_the_limit()
    {
        var id = TestData.NewId();
        await _app.Register(id, TestData.NewToken());
        var huge = JsonSerializer.Serialize(new { pad = new string('p', 70_000) });

        await (await _app.SendAsync(WithBody(HttpMethod.Delete, id, "gone", "text/plain"))).AssertProblem(415);
        await (await _app.SendAsync(OverLimitBody.Request(HttpMethod.Delete, $"/api/devices/{id}", new StringContent(huge, Encoding.UTF8, "application/json"))))
            .AssertProblem(413);
        await (await _admin.SendAsync(WithBody(HttpMethod.Post, id + "/secret", "new", "text/plain"))).AssertProblem(415);
        Assert.Equal(id, (await _admin.GetDevice(id)).DeviceId);
        var nothing = new Pipe();
        await nothing.Writer.CompleteAsync();
        Assert.Equal(HttpStatusCode.OK, (await _admin.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/devices/{id}/secret")
        {
            Content = new StreamContent(nothing.Reader.AsStream()),
        })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _admin.SendAsync(WithBody(HttpMethod.Delete, id, "{}", "application/json"))).StatusCode);

        static HttpRequestMessage WithBody(HttpMethod method, string path, string body, string type) =>
            new(method, $"/api/devices/{path}") { Content = new StringContent(body, Encoding.UTF8, type) };
    }

    [Fact]
    public async Task Patch_refreshes_the_token()
    {
        var id = TestData.NewId();
        var registered = await _app.Register(id, TestData.NewToken(), "android", "u-7", fixture.Vouch("u-7"));
        var token = TestData.NewToken();

        var response = await _app.PatchAsJsonAsync($"/api/devices/{id}/token", new { fcmToken = token });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var device = (await response.Content.ReadFromJsonAsync<DeviceDto>())!;
        Assert.Equal((token, "active", "u-7"), (device.FcmToken, device.Status, device.UserId));
        Assert.True(device.TokenUpdatedAt > registered.TokenUpdatedAt);
        Assert.True(device.LastSeenAt > registered.LastSeenAt);
    }

    [Fact]
    public async Task Patch_errors()
    {
        var id = TestData.NewId();
        await (await _app.PatchAsJsonAsync($"/api/devices/{id}/token", new { fcmToken = TestData.NewToken() })).AssertProblem(404);
        await (await _app.PatchAsJsonAsync($"/api/devices/{id}/token", new { fcmToken = "a\tb" })).AssertValidationErrors("fcmToken");
        await (await _app.PatchAsJsonAsync($"/api/devices/{id}/token", new { fcmToken = 5 })).AssertValidationErrors("fcmToken");
        await (await _app.PatchAsJsonAsync("/api/devices/bad%20id/token", new { })).AssertValidationErrors("deviceId", "fcmToken");
    }

    [Fact]
    public async Task Patch_of_an_unknown_device_takes_no_token()
    {
        var (holder, token) = (TestData.NewId(), TestData.NewToken());
        await _app.Register(holder, token);

        await (await _app.PatchAsJsonAsync($"/api/devices/{TestData.NewId()}/token", new { fcmToken = token })).AssertProblem(404);

        var device = await _admin.GetDevice(holder);
        Assert.Equal((token, "active"), (device.FcmToken, device.Status));
    }

    [Fact]
    public async Task Token_moves_to_the_device_that_registers_it()
    {
        var (a, b, token) = (TestData.NewId(), TestData.NewId(), TestData.NewToken());
        await _app.Register(a, token);
        await _app.Register(b, TestData.NewToken());

        var response = await _app.PatchAsJsonAsync($"/api/devices/{b}/token", new { fcmToken = token });
        response.EnsureSuccessStatusCode();

        var loser = await _admin.GetDevice(a);
        Assert.Equal(((string?)null, "invalid", "token_reassigned"), (loser.FcmToken, loser.Status, loser.InvalidReason));
        Assert.Equal(token, (await _admin.GetDevice(b)).FcmToken);
    }

    [Fact]
    public async Task Get_and_delete()
    {
        var id = TestData.NewId();
        await _app.Register(id, TestData.NewToken());
        Assert.Equal(id, (await _admin.GetDevice(id)).DeviceId);

        Assert.Equal(HttpStatusCode.NoContent, (await _app.DeleteAsync($"/api/devices/{id}")).StatusCode);
        await (await _admin.GetAsync($"/api/devices/{id}")).AssertProblem(404);
        Assert.Equal(HttpStatusCode.NoContent, (await _app.DeleteAsync($"/api/devices/{id}")).StatusCode);
        await (await _app.DeleteAsync("/api/devices/bad%20id")).AssertValidationErrors("deviceId");
        await (await _admin.GetAsync("/api/devices/bad%20id")).AssertValidationErrors("deviceId");
    }

    [Fact]
    public async Task List_rejects_bad_query_values()
    {
        var response = await _admin.GetAsync("/api/devices?status=gone&platform=symbian&stale=maybe&limit=501&after=not-a-cursor");
        await response.AssertValidationErrors("status", "platform", "stale", "limit", "after");
        await (await _admin.GetAsync("/api/devices?limit=0")).AssertValidationErrors("limit");
        await (await _admin.GetAsync("/api/devices?limit=ten")).AssertValidationErrors("limit");
        await (await _admin.GetAsync("/api/devices?after=ZDE6YmFkIGlk")).AssertValidationErrors("after");
    }

    [Fact]
    public async Task List_defaults_to_50_per_page()
    {
        var user = TestData.NewId("user");
        await Task.WhenAll(Enumerable.Range(0, 55).Select(i => _app.Register($"{user}-{i:D2}", TestData.NewToken(), "ios", user, fixture.Vouch(user))));

        var first = (await _admin.GetFromJsonAsync<PageDto>($"/api/devices?userId={user}"))!;
        Assert.Equal(50, first.Items.Count);
        var second = (await _admin.GetFromJsonAsync<PageDto>($"/api/devices?userId={user}&after={first.Next}"))!;
        Assert.Equal(5, second.Items.Count);
        Assert.Null(second.Next);

        var emptyValuesMeanNoFilter = (await _admin.GetFromJsonAsync<PageDto>($"/api/devices?userId={user}&platform=&status=&stale=&after=&limit="))!;
        Assert.Equal(first.Items, emptyValuesMeanNoFilter.Items);
    }

    [Fact]
    public async Task Query_returns_the_devices_that_exist()
    {
        var (active, invalid, token) = (TestData.NewId(), TestData.NewId(), TestData.NewToken());
        await _app.Register(invalid, token);
        await _app.Register(active, token);

        var response = await _admin.PostAsJsonAsync("/api/devices/query", new { deviceIds = new[] { active, invalid, TestData.NewId(), "not an id", active } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = (await response.Content.ReadFromJsonAsync<ItemsDto>())!.Items;
        Assert.Equal([(active, "active"), (invalid, "invalid")], items.Select(d => (d.DeviceId, d.Status)).OrderBy(d => d.DeviceId == invalid));
    }

    [Fact]
    public async Task Query_errors()
    {
        await (await _admin.PostAsJsonAsync("/api/devices/query", new { deviceIds = Array.Empty<string>() })).AssertValidationErrors("deviceIds");
        await (await _admin.PostAsJsonAsync("/api/devices/query", new { })).AssertValidationErrors("deviceIds");
        var tooMany = Enumerable.Range(0, 1001).Select(i => $"d{i}").ToArray();
        await (await _admin.PostAsJsonAsync("/api/devices/query", new { deviceIds = tooMany })).AssertValidationErrors("deviceIds");
        var most = Enumerable.Range(0, 1000).Select(i => $"d{i}").ToArray();
        Assert.Equal(HttpStatusCode.OK, (await _admin.PostAsJsonAsync("/api/devices/query", new { deviceIds = most })).StatusCode);
    }

    [Fact]
    public async Task OpenApi_document_and_reference_page_need_no_key()
    {
        var anonymous = fixture.Anonymous();
        var document = await anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        Assert.True(document.GetProperty("paths").TryGetProperty("/api/devices/{deviceId}/token", out _));
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/scalar/v1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health")).StatusCode);
    }
}
