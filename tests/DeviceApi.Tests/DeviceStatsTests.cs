extern alias deviceapi;

using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pushboard.Contracts;
using Pushboard.Contracts.Stats;
using StackExchange.Redis;

namespace Pushboard.DeviceApi.Tests;

[Collection(DeviceApiCollection.Name)]
public sealed class DeviceStatsTests(DeviceApiFixture fixture)
{
    private const string AdminKey = "in-process-admin-key-0123456789";
    private const string AppKey = "in-process-app-key-0123456789";

    [Fact]
    public async Task The_device_stats_are_for_the_admin_key_only()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Anonymous().GetAsync("/api/devices/stats")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.AppClient().GetAsync("/api/devices/stats")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Admin().GetAsync("/api/devices/stats")).StatusCode);
    }

    [Fact]
    public async Task Todays_row_counts_a_registration_a_token_refresh_and_an_invalidation()
    {
        var app = fixture.AppClient();
        var (id, token, newToken) = (TestData.NewId(), TestData.NewToken(), TestData.NewToken());
        var before = await StatsAsync();

        await app.Register(id, token);
        await app.Register(id, token);
        (await app.PatchAsJsonAsync($"/api/devices/{id}/token", new { fcmToken = token })).EnsureSuccessStatusCode();
        (await app.PatchAsJsonAsync($"/api/devices/{id}/token", new { fcmToken = newToken })).EnsureSuccessStatusCode();
        var redis = await fixture.RedisAsync();
        await redis.StreamAddAsync(DeviceEventStream.Name, DeviceEventStream.EventField,
            new DeviceInvalidatedEvent(Guid.NewGuid().ToString(), id, newToken, DeviceInvalidReasons.Unregistered, DateTimeOffset.UtcNow).ToJson());
        await WaitUntilInvalidAsync(id);
        var after = await StatsAsync();

        Assert.Equal(30, after.Daily.Count);
        Assert.Equal(DateOnly.FromDateTime(DateTime.UtcNow), after.Daily[^1].Day);
        Assert.Equal(Enumerable.Range(0, 30).Select(i => after.Daily[^1].Day.AddDays(i - 29)), after.Daily.Select(d => d.Day));
        // A same-day boundary between the two reads would shift the rows; the test compares today's rows.
        var (was, now) = (before.Daily[^1], after.Daily[^1]);
        Assert.Equal((1L, 1L, 1L), (now.Registrations - was.Registrations, now.TokenRefreshes - was.TokenRefreshes, now.Invalidations - was.Invalidations));
    }

    // The counts by platform and status are cached (DeviceStats:RegistryMaxAge): a host of its own, so that no other
    // test's read decides how old they are.
    [Fact]
    public async Task The_counts_by_platform_and_status_follow_the_registry_once_older_than_their_max_age()
    {
        await using var factory = await fixture.InProcessAsync("Development",
            ("Parameters:admin-api-key", AdminKey), ("Parameters:app-api-key", AppKey), ("DeviceStats:RegistryMaxAge", "00:00:00.200"));
        using var admin = factory.CreateClient();
        admin.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        var before = await admin.GetFromJsonAsync<DeviceStats>("/api/devices/stats", JsonSerializerOptions.Web);

        await admin.Register(TestData.NewId(), TestData.NewToken(), "ios");

        var after = before!;
        for (var tries = 0; tries < 50 && after.ByPlatform.GetValueOrDefault("ios") == before!.ByPlatform.GetValueOrDefault("ios"); tries++)
        {
            await Task.Delay(100);
            after = (await admin.GetFromJsonAsync<DeviceStats>("/api/devices/stats", JsonSerializerOptions.Web))!;
        }

        Assert.Equal(before!.ByPlatform.GetValueOrDefault("ios") + 1, after.ByPlatform.GetValueOrDefault("ios"));
        Assert.Equal(before.ByStatus.GetValueOrDefault("active") + 1, after.ByStatus.GetValueOrDefault("active"));
        Assert.Equal(after.ByStatus.Values.Sum(), after.ByPlatform.Values.Sum());
        Assert.True(after.AsOf > before.AsOf);
    }

    [Fact]
    public async Task DeviceApi_publishes_its_instruments()
    {
        var measured = new Dictionary<string, long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, meterListener) =>
            {
                if (instrument.Meter.Name == "Pushboard.DeviceApi")
                {
                    meterListener.EnableMeasurementEvents(instrument);
                }
            },
        };
        void Record(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var reason = tags.ToArray().FirstOrDefault(t => t.Key == "reason").Value;
            var name = reason is null ? instrument.Name : $"{instrument.Name}[{reason}]";
            lock (measured)
            {
                measured[name] = measured.GetValueOrDefault(name) + value;
            }
        }

        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.Start();
        await using var factory = await fixture.InProcessAsync("Development", ("Parameters:admin-api-key", AdminKey), ("Parameters:app-api-key", AppKey));
        using var admin = factory.CreateClient();
        admin.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        var (phone, tablet, token) = (TestData.NewId(), TestData.NewId(), TestData.NewToken());

        await admin.Register(phone, TestData.NewToken());
        (await admin.PatchAsJsonAsync($"/api/devices/{phone}/token", new { fcmToken = token })).EnsureSuccessStatusCode();
        await admin.Register(tablet, token);

        lock (measured)
        {
            Assert.Equal(2, measured.GetValueOrDefault("pushboard.devices.registrations"));
            Assert.Equal(1, measured.GetValueOrDefault("pushboard.devices.token_refreshes"));
            Assert.Equal(1, measured.GetValueOrDefault("pushboard.devices.takeovers"));
            Assert.Equal(1, measured.GetValueOrDefault("pushboard.devices.invalidations[token_reassigned]"));
            Assert.Equal(1, measured.GetValueOrDefault("pushboard.devices.refresh_batch.size"));
        }
    }

    private async Task<DeviceStats> StatsAsync() =>
        (await fixture.Admin().GetFromJsonAsync<DeviceStats>("/api/devices/stats", JsonSerializerOptions.Web))!;

    private async Task WaitUntilInvalidAsync(string id)
    {
        for (var tries = 0; tries < 200; tries++)
        {
            if ((await fixture.Admin().GetDevice(id)).Status == "invalid")
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"device {id} was not invalidated");
    }
}
