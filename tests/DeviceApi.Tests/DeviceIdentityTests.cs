using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using Pushboard.Contracts;

namespace Pushboard.DeviceApi.Tests;

// API.md "Device identity": device secrets, claims, rotation, the userIdHash and the order of the checks.
[Collection(DeviceApiCollection.Name)]
public sealed partial class DeviceIdentityTests(DeviceApiFixture fixture)
{
    private readonly HttpClient _admin = fixture.Admin();

    [GeneratedRegex("^[A-Za-z0-9_-]{43}$")]
    private static partial Regex IssuedSecret();

    private HttpClient App(string? deviceSecret)
    {
        var client = fixture.AppKeyOnly();
        if (deviceSecret is not null)
        {
            client.DefaultRequestHeaders.Add(ApiHeaders.DeviceSecret, deviceSecret);
        }

        return client;
    }

    private static string ChosenSecret() => $"chosen-{Guid.NewGuid():N}-{Guid.NewGuid():N}"[..50];

    // Creates a device with the app key alone and returns the secret of its 201.
    private async Task<(string Id, string Token, string Secret)> CreateAsync()
    {
        var (id, token) = (TestData.NewId(), TestData.NewToken());
        var response = await App(null).PutDevice(id, new { fcmToken = token, platform = "android" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (id, token, body.GetProperty("deviceSecret").GetString()!);
    }

    private async Task<JsonElement> AdminViewAsync(string deviceId) => await _admin.GetFromJsonAsync<JsonElement>($"/api/devices/{deviceId}");

    private static async Task AssertSecretRefused(HttpResponseMessage response)
    {
        var problem = await response.AssertProblem(403);
        Assert.Contains(ApiHeaders.DeviceSecret, problem.GetProperty("detail").GetString());
    }

    private static async Task AssertUserIdHashRefused(HttpResponseMessage response)
    {
        var problem = await response.AssertProblem(403);
        Assert.Contains("userIdHash", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_merge_patch_needs_the_device_secret_and_the_userIdHash_like_the_other_writes()
    {
        var (id, _, secret) = await CreateAsync();
        static StringContent Body(string json) => new(json, System.Text.Encoding.UTF8, "application/merge-patch+json");

        await AssertSecretRefused(await App(null).PatchAsync($"/api/devices/{id}", Body("""{"locale":"en"}""")));
        await AssertSecretRefused(await App("wrong-" + secret).PatchAsync($"/api/devices/{id}", Body("""{"locale":"en"}""")));
        await AssertUserIdHashRefused(await App(secret).PatchAsync($"/api/devices/{id}", Body("""{"userId":"u-1"}""")));
        Assert.Equal(JsonValueKind.Null, (await AdminViewAsync(id)).GetProperty("locale").ValueKind);

        var hash = UserIdHash.Compute("u-1", fixture.IdentitySecret);
        var patched = await App(secret).PatchAsync($"/api/devices/{id}", Body($$"""{"userId":"u-1","userIdHash":"{{hash}}","locale":"en"}"""));
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal(("u-1", "en"), ((await AdminViewAsync(id)).GetProperty("userId").GetString(), (await AdminViewAsync(id)).GetProperty("locale").GetString()));
    }

    [Fact]
    public async Task A_device_created_with_the_app_key_gets_a_secret_in_its_201_only()
    {
        var (id, token, secret) = await CreateAsync();
        Assert.Matches(IssuedSecret(), secret);

        var again = await App(secret).PutDevice(id, new { fcmToken = token, platform = "ios" });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var body = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(body.TryGetProperty("deviceSecret", out _));
        Assert.False(body.TryGetProperty("hasSecret", out _));

        var view = await AdminViewAsync(id);
        Assert.True(view.GetProperty("hasSecret").GetBoolean());
        Assert.False(view.TryGetProperty("deviceSecret", out _));
        Assert.DoesNotContain(secret, view.GetRawText());
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("wrong")]
    [InlineData("other device's")]
    public async Task App_calls_without_the_device_secret_are_refused_and_change_nothing(string presented)
    {
        var (id, _, _) = await CreateAsync();
        var (otherId, otherToken, otherSecret) = await CreateAsync();
        var secret = presented switch
        {
            "missing" => null,
            "wrong" => ChosenSecret(),
            _ => otherSecret,
        };
        var app = App(secret);
        var before = await AdminViewAsync(id);

        await AssertSecretRefused(await app.PutDevice(id, new { fcmToken = TestData.NewToken(), platform = "ios" }));
        // Not even the token of another device is taken by a refused write.
        await AssertSecretRefused(await app.PutDevice(id, new { fcmToken = otherToken, platform = "ios" }));
        await AssertSecretRefused(await app.PatchAsJsonAsync($"/api/devices/{id}/token", new { fcmToken = TestData.NewToken() }));
        await AssertSecretRefused(await app.PatchAsJsonAsync($"/api/devices/{id}/token", new { fcmToken = otherToken }));
        await AssertSecretRefused(await app.DeleteAsync($"/api/devices/{id}"));

        Assert.Equal(before.GetRawText(), (await AdminViewAsync(id)).GetRawText());
        var other = await AdminViewAsync(otherId);
        Assert.Equal(("active", otherToken), (other.GetProperty("status").GetString(), other.GetProperty("fcmToken").GetString()));
    }

    [Fact]
    public async Task The_device_secret_lets_the_app_refresh_replace_and_delete()
    {
        var (id, _, secret) = await CreateAsync();
        var app = App(secret);

        var refreshed = await app.PatchAsJsonAsync($"/api/devices/{id}/token", new { fcmToken = TestData.NewToken() });
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.False((await refreshed.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("deviceSecret", out _));
        Assert.Equal(HttpStatusCode.OK, (await app.PutDevice(id, new { fcmToken = TestData.NewToken(), platform = "web" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await app.DeleteAsync($"/api/devices/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.GetAsync($"/api/devices/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await app.DeleteAsync($"/api/devices/{id}")).StatusCode);
    }

    [Fact]
    public async Task Refreshes_in_one_batch_are_each_checked_against_their_own_secret()
    {
        var devices = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => CreateAsync()));
        var refreshes = devices.Select((device, i) => (device.Id, Right: i % 2 == 0, Token: TestData.NewToken())).ToList();
        var answers = await Task.WhenAll(refreshes.Select((refresh, i) =>
            App(refresh.Right ? devices[i].Secret : ChosenSecret()).PatchAsJsonAsync($"/api/devices/{refresh.Id}/token", new { fcmToken = refresh.Token })));

        for (var i = 0; i < refreshes.Count; i++)
        {
            Assert.Equal(refreshes[i].Right ? HttpStatusCode.OK : HttpStatusCode.Forbidden, answers[i].StatusCode);
            var stored = (await AdminViewAsync(refreshes[i].Id)).GetProperty("fcmToken").GetString();
            Assert.Equal(refreshes[i].Right ? refreshes[i].Token : devices[i].Token, stored);
        }
    }

    [Theory]
    [InlineData("put")]
    [InlineData("patch")]
    public async Task A_device_without_a_secret_is_claimed_by_the_next_app_call(string call)
    {
        var (id, token) = (TestData.NewId(), TestData.NewToken());
        var created = await _admin.PutDevice(id, new { fcmToken = token, platform = "android" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var createdBody = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(createdBody.TryGetProperty("deviceSecret", out _));
        Assert.False(createdBody.GetProperty("hasSecret").GetBoolean());

        var claim = call == "put"
            ? await App(null).PutDevice(id, new { fcmToken = token, platform = "ios" })
            : await App(null).PatchAsJsonAsync($"/api/devices/{id}/token", new { fcmToken = TestData.NewToken() });
        Assert.Equal(HttpStatusCode.OK, claim.StatusCode);
        var secret = (await claim.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("deviceSecret").GetString()!;
        Assert.Matches(IssuedSecret(), secret);

        Assert.True((await AdminViewAsync(id)).GetProperty("hasSecret").GetBoolean());
        await AssertSecretRefused(await App(null).PatchAsJsonAsync($"/api/devices/{id}/token", new { fcmToken = TestData.NewToken() }));
        Assert.Equal(HttpStatusCode.OK, (await App(secret).PatchAsJsonAsync($"/api/devices/{id}/token", new { fcmToken = TestData.NewToken() })).StatusCode);
    }

    [Fact]
    public async Task A_device_from_before_secrets_is_claimed_once_however_many_apps_race_for_it()
    {
        var id = TestData.NewId();
        await _admin.Register(id, TestData.NewToken());
        await using (var db = await fixture.DevicesDbAsync())
        {
            await using var command = db.CreateCommand("UPDATE devices SET secret_hash = NULL WHERE device_id = $1");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => i % 2 == 0
            ? App(null).PatchAsJsonAsync($"/api/devices/{id}/token", new { fcmToken = TestData.NewToken() })
            : App(null).PutDevice(id, new { fcmToken = TestData.NewToken(), platform = "web" })));

        var winners = answers.Where(answer => answer.StatusCode == HttpStatusCode.OK).ToList();
        Assert.Single(winners);
        Assert.All(answers.Except(winners), answer => Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode));
        var secret = (await winners[0].Content.ReadFromJsonAsync<JsonElement>()).GetProperty("deviceSecret").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await App(secret).PatchAsJsonAsync($"/api/devices/{id}/token", new { fcmToken = TestData.NewToken() })).StatusCode);
    }

    [Fact]
    public async Task An_app_delete_of_a_device_without_a_secret_is_a_204()
    {
        var id = TestData.NewId();
        await _admin.Register(id, TestData.NewToken());

        Assert.Equal(HttpStatusCode.NoContent, (await App(null).DeleteAsync($"/api/devices/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.GetAsync($"/api/devices/{id}")).StatusCode);
    }

    [Fact]
    public async Task A_chosen_secret_makes_a_retried_creating_put_a_200()
    {
        var (id, token, secret) = (TestData.NewId(), TestData.NewToken(), ChosenSecret());
        var app = App(secret);

        var created = await app.PutDevice(id, new { fcmToken = token, platform = "android" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.False((await created.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("deviceSecret", out _));

        var retried = await app.PutDevice(id, new { fcmToken = token, platform = "android" });
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.False((await retried.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("deviceSecret", out _));
        await AssertSecretRefused(await App(ChosenSecret()).PutDevice(id, new { fcmToken = token, platform = "android" }));
    }

    [Theory]
    [InlineData("too-short-0123456789012345678901234567890")]
    [InlineData("has+plus/and=padding0123456789012345678901234567890")]
    [InlineData("")]
    public async Task A_chosen_secret_of_another_shape_is_a_400_and_creates_nothing(string secret)
    {
        var id = TestData.NewId();

        var response = await App(secret).PutDevice(id, new { fcmToken = TestData.NewToken(), platform = "android" });
        await response.AssertValidationErrors(ApiHeaders.DeviceSecret);
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.GetAsync($"/api/devices/{id}")).StatusCode);
        await (await App(new string('a', 129)).PutDevice(id, new { fcmToken = TestData.NewToken(), platform = "android" }))
            .AssertValidationErrors(ApiHeaders.DeviceSecret);
    }

    [Fact]
    public async Task The_admin_issues_a_new_secret_and_the_old_one_stops_working()
    {
        var (id, _, old) = await CreateAsync();

        var issued = await _admin.PostAsync($"/api/devices/{id}/secret", null);
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        var secret = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("deviceSecret").GetString()!;
        Assert.Matches(IssuedSecret(), secret);
        Assert.NotEqual(old, secret);

        await AssertSecretRefused(await App(old).PatchAsJsonAsync($"/api/devices/{id}/token", new { fcmToken = TestData.NewToken() }));
        Assert.Equal(HttpStatusCode.OK, (await App(secret).PatchAsJsonAsync($"/api/devices/{id}/token", new { fcmToken = TestData.NewToken() })).StatusCode);
        await (await _admin.PostAsync($"/api/devices/{TestData.NewId()}/secret", null)).AssertProblem(404);
        await (await App(secret).PostAsync($"/api/devices/{id}/secret", null)).AssertProblem(403);
    }

    [Fact]
    public async Task The_admin_key_needs_no_secret_and_keeps_the_devices_own()
    {
        var (id, _, secret) = await CreateAsync();

        var replaced = await _admin.PutDevice(id, new { fcmToken = TestData.NewToken(), platform = "ios", userId = "u-admin" });
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.False((await replaced.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("deviceSecret", out _));
        Assert.Equal(HttpStatusCode.OK, (await _admin.PatchAsJsonAsync($"/api/devices/{id}/token", new { fcmToken = TestData.NewToken() })).StatusCode);

        Assert.True((await AdminViewAsync(id)).GetProperty("hasSecret").GetBoolean());
        await AssertSecretRefused(await App(null).PatchAsJsonAsync($"/api/devices/{id}/token", new { fcmToken = TestData.NewToken() }));
        Assert.Equal(HttpStatusCode.OK, (await App(secret).PatchAsJsonAsync($"/api/devices/{id}/token", new { fcmToken = TestData.NewToken() })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync($"/api/devices/{id}")).StatusCode);
    }

    public static TheoryData<string> WrongHashes() => new() { "missing", "upper case", "truncated", "another user's", "for the old value" };

    [Theory]
    [MemberData(nameof(WrongHashes))]
    public async Task A_userId_from_the_app_key_needs_its_userIdHash(string wrong)
    {
        var secret = ChosenSecret();
        var app = App(secret);
        var (id, token) = (TestData.NewId(), TestData.NewToken());
        var userId = $"u-{Guid.NewGuid():N}";
        var hash = fixture.Vouch(userId);
        var other = $"u-{Guid.NewGuid():N}";
        await app.Register(id, token, "android", other, fixture.Vouch(other));
        var before = await AdminViewAsync(id);
        string? presented = wrong switch
        {
            "missing" => null,
            "upper case" => hash.ToUpperInvariant(),
            "truncated" => hash[..63],
            "another user's" => fixture.Vouch(other + "x"),
            _ => fixture.Vouch(other),
        };

        await AssertUserIdHashRefused(await app.PutDevice(id, new { fcmToken = token, platform = "android", userId, userIdHash = presented }));
        await AssertUserIdHashRefused(await App(null).PutDevice(TestData.NewId(), new { fcmToken = TestData.NewToken(), platform = "android", userId, userIdHash = presented }));
        Assert.Equal(before.GetRawText(), (await AdminViewAsync(id)).GetRawText());
    }

    [Fact]
    public async Task The_stored_userId_repeated_needs_its_hash_too_and_clearing_it_needs_none()
    {
        var secret = ChosenSecret();
        var app = App(secret);
        var (id, token, userId) = (TestData.NewId(), TestData.NewToken(), $"u-{Guid.NewGuid():N}");
        await app.Register(id, token, "android", userId, fixture.Vouch(userId));

        await AssertUserIdHashRefused(await app.PutDevice(id, new { fcmToken = token, platform = "android", userId }));

        var cleared = await app.PutDevice(id, new { fcmToken = token, platform = "android", userId = (string?)null });
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        Assert.Equal(JsonValueKind.Null, (await AdminViewAsync(id)).GetProperty("userId").ValueKind);
    }

    [Fact]
    public async Task The_right_userIdHash_binds_the_user_and_is_neither_stored_nor_returned()
    {
        var (id, userId) = (TestData.NewId(), "김민준@example.com");
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(fixture.IdentitySecret), System.Text.Encoding.UTF8.GetBytes(userId)));

        var created = await App(ChosenSecret()).PutDevice(id, new { fcmToken = TestData.NewToken(), platform = "ios", userId, userIdHash = hash });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.DoesNotContain(hash, await created.Content.ReadAsStringAsync());
        Assert.DoesNotContain(hash, (await AdminViewAsync(id)).GetRawText());
        Assert.Equal(userId, (await AdminViewAsync(id)).GetProperty("userId").GetString());
        await using var db = await fixture.DevicesDbAsync();
        await using var command = db.CreateCommand("SELECT row_to_json(devices)::text FROM devices WHERE device_id = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        Assert.DoesNotContain(hash, (string)(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task The_admin_key_needs_no_userIdHash()
    {
        var id = TestData.NewId();
        var device = await _admin.Register(id, TestData.NewToken(), "android", "u-by-admin");
        Assert.Equal("u-by-admin", device.UserId);
    }

    [Fact]
    public async Task The_secret_is_checked_before_the_userIdHash_and_both_before_the_body()
    {
        var (id, _, secret) = await CreateAsync();
        var badBodyAndHash = new { fcmToken = "has space", platform = "windows", userId = "u-1", userIdHash = "nope" };
        var badBody = new { fcmToken = "has space", platform = "windows", userId = "u-1", userIdHash = fixture.Vouch("u-1") };

        await AssertSecretRefused(await App(ChosenSecret()).PutDevice(id, badBodyAndHash));
        await AssertSecretRefused(await App("short").PutDevice(id, badBodyAndHash));
        await AssertSecretRefused(await App(null).PatchAsJsonAsync($"/api/devices/{id}/token", new { fcmToken = "has space" }));
        await AssertUserIdHashRefused(await App(secret).PutDevice(id, badBodyAndHash));
        await (await App(secret).PutDevice(id, badBody)).AssertValidationErrors("fcmToken", "platform");
        await (await App(null).PutDevice(TestData.NewId(), badBody)).AssertValidationErrors("fcmToken", "platform");
        await (await fixture.Anonymous().PutDevice(id, badBodyAndHash)).AssertProblem(401);
    }
}
