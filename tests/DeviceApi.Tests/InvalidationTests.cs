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

    [Fact]
    public async Task An_event_left_pending_by_a_crashed_consumer_is_taken_over()
    {
        var (id, token) = (TestData.NewId(), TestData.NewToken());
        await fixture.AppClient().Register(id, token);
        var redis = await fixture.RedisAsync();

        // Another consumer of the group receives the entry (in the same transaction as it is added, so DeviceApi
        // cannot read it first) and dies without acknowledging it.
        var transaction = redis.CreateTransaction();
        _ = transaction.StreamAddAsync(DeviceEventStream.Name, DeviceEventStream.EventField,
            new DeviceInvalidatedEvent(Guid.NewGuid().ToString(), id, token, DeviceInvalidReasons.InvalidToken, DateTimeOffset.UtcNow).ToJson());
        var delivered = transaction.StreamReadGroupAsync(DeviceEventStream.Name, "deviceapi", "crashed-" + id, StreamPosition.NewMessages, 10);
        Assert.True(await transaction.ExecuteAsync());
        Assert.Contains((await delivered).SelectMany(e => e.Values), v => v.Value.ToString().Contains(id));

        Assert.Equal("invalid_token", (await WaitForAsync(id, d => d.Status == "invalid")).InvalidReason);
        // Acknowledged right after the commit: nothing stays pending on the dead consumer.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while ((await redis.StreamPendingAsync(DeviceEventStream.Name, "deviceapi")).Consumers.Any(c => c.Name == "crashed-" + id))
        {
            Assert.True(DateTime.UtcNow < deadline, "the taken-over entry was not acknowledged");
            await Task.Delay(100);
        }
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
