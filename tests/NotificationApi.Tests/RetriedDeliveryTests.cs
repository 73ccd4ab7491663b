using Microsoft.EntityFrameworkCore;
using Pushboard.NotificationApi.Infrastructure;
using Pushboard.NotificationApi.Model;
using Pushboard.NotificationApi.Sending;
using Pushboard.Tests;
using StackExchange.Redis;

namespace Pushboard.NotificationApi.Tests;

// A delivery that FCM's outage left pending for a later pass uses its device as it is then: API.md's "inactive devices
// are never sent to". Before, the later pass sent the token read at resolution to a device deleted meanwhile (a user
// who logged out while FCM answered 503).
[Collection(NotificationApiCollection.Name)]
public sealed class RetriedDeliveryTests(PushboardAppFixture fixture) : IDisposable
{
    private readonly PushboardClient _pushboard = new(fixture);
    private readonly HttpClient _devices = fixture.CreateAdminClient("deviceapi");

    [Fact]
    public async Task A_delivery_tried_before_is_not_sent_to_a_device_deleted_since()
    {
        var (device, token) = (PushboardClient.Unique("retried"), PushboardClient.Unique("token"));
        await _pushboard.RegisterAsync(device, token);
        await using var own = await OwnNotificationsDb.CreateAsync(fixture);
        var (id, deliveryId) = await StoreTriedOnceAsync(own, device, token);
        (await _devices.DeleteAsync($"/api/devices/{device}")).EnsureSuccessStatusCode();

        await using var replica = await InProcessReplica.StartAsync(fixture, own);
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(await fixture.ConnectionStringOf("cache") + ",defaultDatabase=2"))
        {
            await new WorkQueue(redis, TimeProvider.System).EnqueueSendAsync(id, deliveryId, deliveryId, null, CancellationToken.None);
        }

        await using var db = own.Open();
        var until = DateTime.UtcNow.AddSeconds(30);
        Delivery delivery;
        while ((delivery = await db.Deliveries.AsNoTracking().SingleAsync(d => d.Id == deliveryId)).Status == DeliveryStatus.Pending && DateTime.UtcNow < until)
        {
            await Task.Delay(100);
        }

        Assert.Equal((DeliveryStatus.Failed, DeliveryErrors.DeviceNotFound), (delivery.Status, delivery.Error));
        Assert.Empty(await _pushboard.AttemptsAsync(token));
    }

    public void Dispose()
    {
        _pushboard.Dispose();
        _devices.Dispose();
    }

    // A notification sending one delivery that a pass tried once (FCM answered 503) and left pending.
    private static async Task<(Guid Id, long DeliveryId)> StoreTriedOnceAsync(OwnNotificationsDb own, string device, string token)
    {
        var id = Guid.CreateVersion7();
        await using var db = own.Open();
        db.Notifications.Add(new Notification
        {
            Id = id, Status = NotificationStatus.Sending, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
            TargetJson = $$"""{"deviceIds": ["{{device}}"]}""", MessageJson = """{"data": {"kind": "retried"}}""",
        });
        await db.SaveChangesAsync();
        var store = new DeliveryStore(db, TimeProvider.System);
        var deliveryId = (await store.AddAsync(id, [new NewDelivery(device, null, token, DeliveryStatus.Pending, null)],
            new ResolutionPages(writtenBefore: false), CancellationToken.None)).Single();
        await store.FinishResolvingAsync(id, "unused", CancellationToken.None);
        await db.Database.ExecuteSqlRawAsync("UPDATE deliveries SET attempts = 1, error = 'UNAVAILABLE' WHERE id = {0}", deliveryId);
        return (id, deliveryId);
    }
}
