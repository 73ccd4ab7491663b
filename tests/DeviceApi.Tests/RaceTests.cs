using System.Net;
using System.Net.Http.Json;
using Npgsql;

namespace Pushboard.DeviceApi.Tests;

[Collection(DeviceApiCollection.Name)]
public sealed class RaceTests(DeviceApiFixture fixture)
{
    [Fact]
    public async Task Fifty_parallel_puts_of_one_device_leave_one_row()
    {
        var id = TestData.NewId();
        var app = fixture.AppClient();
        var tokens = Enumerable.Range(0, 50).Select(_ => TestData.NewToken()).ToArray();

        var responses = await Task.WhenAll(tokens.Select(token => app.PutDevice(id, new { fcmToken = token, platform = "android" })));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created, $"{(int)r.StatusCode}"));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        await using var db = await fixture.DevicesDbAsync();
        await using var command = db.CreateCommand("SELECT count(*), min(fcm_token), min(status) FROM devices WHERE device_id = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal(1L, reader.GetInt64(0));
        Assert.Contains(reader.GetString(1), tokens);
        Assert.Equal("active", reader.GetString(2));
    }

    [Fact]
    public async Task Devices_fighting_over_one_token_end_with_one_holder()
    {
        var app = fixture.AppClient();
        var token = TestData.NewToken();
        var devices = Enumerable.Range(0, 10).Select(_ => TestData.NewId("fight")).ToArray();
        await Task.WhenAll(devices.Select(d => app.Register(d, TestData.NewToken())));

        // Every device registers and refreshes the same token five times, all at once.
        var responses = await Task.WhenAll(devices.SelectMany(d => Enumerable.Range(0, 5).Select(i => i % 2 == 0
            ? app.PutDevice(d, new { fcmToken = token, platform = "ios" })
            : app.PatchAsJsonAsync($"/api/devices/{d}/token", new { fcmToken = token }))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var items = (await (await fixture.Admin().PostAsJsonAsync("/api/devices/query", new { deviceIds = devices })).Content.ReadFromJsonAsync<ItemsDto>())!.Items;
        var holder = Assert.Single(items, d => d.Status == "active");
        Assert.Equal(token, holder.FcmToken);
        Assert.All(items.Where(d => d != holder), d => Assert.Equal(((string?)null, "invalid", "token_reassigned"), (d.FcmToken, d.Status, d.InvalidReason)));

        await using var db = await fixture.DevicesDbAsync();
        await using var command = db.CreateCommand("SELECT count(*) FROM devices WHERE fcm_token = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = token });
        Assert.Equal(1L, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Two_devices_swapping_tokens_never_fail()
    {
        var (responses, devices) = await SwapTokensAsync((app, deviceId, token) => app.PutDevice(deviceId, new { fcmToken = token, platform = "web" }));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var tokens = devices.Where(d => d.FcmToken is not null).Select(d => d.FcmToken).ToList();
        Assert.NotEmpty(tokens);
        Assert.Equal(tokens.Distinct().Count(), tokens.Count);
        Assert.All(devices, d => Assert.Equal(d.FcmToken is null ? "invalid" : "active", d.Status));
    }

    [Fact]
    public async Task Parallel_token_refreshes_each_answer_with_the_token_they_sent()
    {
        var app = fixture.AppClient();
        var devices = Enumerable.Range(0, 60).Select(_ => TestData.NewId("refresh")).ToArray();
        await Task.WhenAll(devices.Select(d => app.Register(d, TestData.NewToken())));
        var refreshes = devices.SelectMany(d => Enumerable.Range(0, 3).Select(_ => (Device: d, Token: TestData.NewToken()))).ToArray();
        var unknown = Enumerable.Range(0, 10).Select(_ => TestData.NewId("unknown")).ToArray();

        // All in flight at once, so that refreshes of one device and of unknown devices share moments with the others.
        var answers = Task.WhenAll(refreshes.Select(async r => (r.Device, r.Token, Response: await app.PatchAsJsonAsync($"/api/devices/{r.Device}/token", new { fcmToken = r.Token }))));
        var unknownAnswers = Task.WhenAll(unknown.Select(id => app.PatchAsJsonAsync($"/api/devices/{id}/token", new { fcmToken = TestData.NewToken() })));

        foreach (var (device, token, response) in await answers)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var answered = (await response.Content.ReadFromJsonAsync<DeviceDto>())!;
            Assert.Equal((device, token, "active"), (answered.DeviceId, answered.FcmToken, answered.Status));
        }

        foreach (var response in await unknownAnswers)
        {
            await response.AssertProblem(404);
        }

        var items = (await (await fixture.Admin().PostAsJsonAsync("/api/devices/query", new { deviceIds = devices.Concat(unknown) })).Content.ReadFromJsonAsync<ItemsDto>())!.Items;
        Assert.Equal(devices.Order(StringComparer.Ordinal), items.Select(d => d.DeviceId).Order(StringComparer.Ordinal));
        Assert.All(items, d => Assert.Contains((d.DeviceId, d.FcmToken!), refreshes));
    }

    [Fact]
    public async Task Two_devices_swapping_tokens_by_refresh_never_fail()
    {
        var (responses, devices) = await SwapTokensAsync((app, deviceId, token) => app.PatchAsJsonAsync($"/api/devices/{deviceId}/token", new { fcmToken = token }));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var tokens = devices.Where(d => d.FcmToken is not null).Select(d => d.FcmToken).ToList();
        Assert.NotEmpty(tokens);
        Assert.Equal(tokens.Distinct().Count(), tokens.Count);
        Assert.All(devices, d => Assert.Equal(d.FcmToken is null ? ("invalid", "token_reassigned") : ("active", null), (d.Status, d.InvalidReason)));
    }

    [Fact]
    public async Task A_locked_device_holds_up_only_its_own_refresh()
    {
        var app = fixture.AppClient();
        var locked = new[] { TestData.NewId("locked"), TestData.NewId("locked") };
        var others = Enumerable.Range(0, 20).Select(_ => TestData.NewId("free")).ToArray();
        await Task.WhenAll(locked.Concat(others).Select(d => app.Register(d, TestData.NewToken())));

        await using var db = await fixture.DevicesDbAsync();
        await using var connection = await db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var lockRows = new NpgsqlCommand("SELECT 1 FROM devices WHERE device_id = ANY($1) FOR UPDATE", connection, transaction))
        {
            lockRows.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = locked });
            await lockRows.ExecuteNonQueryAsync();
        }

        // The locked devices' refreshes go first, one at a time, so that each could hold up a writer of its own.
        var lockedRefreshes = new List<Task<HttpResponseMessage>>();
        foreach (var id in locked)
        {
            lockedRefreshes.Add(app.PatchAsJsonAsync($"/api/devices/{id}/token", new { fcmToken = TestData.NewToken() }));
            await Task.Delay(TimeSpan.FromMilliseconds(300));
        }

        var otherRefreshes = await Task.WhenAll(others.Select(id => app.PatchAsJsonAsync($"/api/devices/{id}/token", new { fcmToken = TestData.NewToken() })))
            .WaitAsync(TimeSpan.FromSeconds(10));
        Assert.All(otherRefreshes, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.All(lockedRefreshes, refresh => Assert.False(refresh.IsCompleted));

        await transaction.CommitAsync();
        Assert.All(await Task.WhenAll(lockedRefreshes), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
    }

    // Two registered devices each write the other's token, 20 times at once; returns the answers and both devices after.
    private async Task<(HttpResponseMessage[] Responses, DeviceDto[] Devices)> SwapTokensAsync(
        Func<HttpClient, string, string, Task<HttpResponseMessage>> write)
    {
        var app = fixture.AppClient();
        var (a, b) = (TestData.NewId(), TestData.NewId());
        var (tokenA, tokenB) = (TestData.NewToken(), TestData.NewToken());
        await app.Register(a, tokenA);
        await app.Register(b, tokenB);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).SelectMany(_ => new[] { write(app, a, tokenB), write(app, b, tokenA) }));
        return (responses, [await fixture.Admin().GetDevice(a), await fixture.Admin().GetDevice(b)]);
    }
}
