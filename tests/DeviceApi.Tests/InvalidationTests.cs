using Microsoft.EntityFrameworkCore;
using Pushboard.Contracts;
using StackExchange.Redis;

namespace Pushboard.DeviceApi.Tests;

[Collection(DeviceApiCollection.Name)]
public sealed class InvalidationTests(DeviceApiFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task An_event_delivered_twice_changes_the_device_once()
    {
        var app = fixture.AppClient();
        var (id, token) = (TestData.NewId(), TestData.NewToken());
        await app.Register(id, token);
        var invalidated = new DeviceInvalidatedEvent(Guid.NewGuid().ToString(), id, token, DeviceInvalidReasons.Unregistered, DateTimeOffset.UtcNow);

        await PublishAsync(invalidated);
        var first = await WaitForAsync(id, d => d.Status == "invalid");
        Assert.Equal((token, "unregistered"), (first.FcmToken, first.InvalidReason));

        await PublishAsync(invalidated);
        await DrainAsync();
        var second = await fixture.Admin().GetDevice(id);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task An_event_for_a_token_the_device_no_longer_holds_changes_nothing()
    {
        var app = fixture.AppClient();
        var (id, oldToken, newToken) = (TestData.NewId(), TestData.NewToken(), TestData.NewToken());
        await app.Register(id, oldToken);
        var refreshed = await app.Register(id, newToken);

        await PublishAsync(new DeviceInvalidatedEvent(Guid.NewGuid().ToString(), id, oldToken, DeviceInvalidReasons.InvalidToken, DateTimeOffset.UtcNow));
        await DrainAsync();

        Assert.Equal(refreshed, await fixture.Admin().GetDevice(id));
    }

    [Fact]
    public async Task Malformed_entries_are_skipped_and_later_events_still_apply()
    {
        var app = fixture.AppClient();
        var (id, token) = (TestData.NewId(), TestData.NewToken());
        await app.Register(id, token);
        var redis = await fixture.RedisAsync();
        await redis.StreamAddAsync(DeviceEventStream.Name, DeviceEventStream.EventField, "{not json");
        await redis.StreamAddAsync(DeviceEventStream.Name, DeviceEventStream.EventField,
            new DeviceInvalidatedEvent("e", id, token, "bored", DateTimeOffset.UtcNow).ToJson());

        await PublishAsync(new DeviceInvalidatedEvent(Guid.NewGuid().ToString(), id, token, DeviceInvalidReasons.SenderIdMismatch, DateTimeOffset.UtcNow));

        Assert.Equal("sender_id_mismatch", (await WaitForAsync(id, d => d.Status == "invalid")).InvalidReason);
    }

    private async Task PublishAsync(DeviceInvalidatedEvent deviceEvent) =>
        await (await fixture.RedisAsync()).StreamAddAsync(DeviceEventStream.Name, DeviceEventStream.EventField, deviceEvent.ToJson());

    // Entries are consumed in order: once a marker event published last has been applied, so has everything before it.
    private async Task DrainAsync()
    {
        var (marker, token) = (TestData.NewId("marker"), TestData.NewToken());
        await fixture.AppClient().Register(marker, token);
        await PublishAsync(new DeviceInvalidatedEvent(Guid.NewGuid().ToString(), marker, token, DeviceInvalidReasons.Unregistered, DateTimeOffset.UtcNow));
        await WaitForAsync(marker, d => d.Status == "invalid");
    }

    private async Task<DeviceDto> WaitForAsync(string id, Func<DeviceDto, bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var device = await fixture.Admin().GetDevice(id);
            if (condition(device))
            {
                return device;
            }

            Assert.True(DateTime.UtcNow < deadline, $"device {id} did not reach the expected state within {Patience}");
            await Task.Delay(100);
        }
    }
}
