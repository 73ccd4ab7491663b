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

        var delivery = await SendAgainAsync(device, token, deviceApiHandler: null, before: () => _devices.DeleteAsync($"/api/devices/{device}"));

        Assert.Equal((DeliveryStatus.Failed, DeliveryErrors.DeviceNotFound), (delivery.Status, delivery.Error));
        Assert.Empty(await _pushboard.AttemptsAsync(token));
    }

    // Asking again would be refused again: the delivery ends as one whose resolution DeviceApi refused, rather than its
    // page being released and claimed again for ever.
    [Fact]
    public async Task A_delivery_tried_before_whose_device_DeviceApi_refuses_to_read_ends_failed()
    {
        var (device, token) = (PushboardClient.Unique("refused"), PushboardClient.Unique("token"));
        await _pushboard.RegisterAsync(device, token);

        var delivery = await SendAgainAsync(device, token, () => new RefusingQueries(), before: null);

        Assert.Equal((DeliveryStatus.Failed, DeliveryErrors.ResolutionFailed), (delivery.Status, delivery.Error));
        Assert.Empty(await _pushboard.AttemptsAsync(token));
    }

    public void Dispose()
    {
        _pushboard.Dispose();
        _devices.Dispose();
    }

    // The delivery's next pass, by a replica in process: returns the delivery once it is no longer pending (or after 30 s).
    private async Task<Delivery> SendAgainAsync(string device, string token, Func<DelegatingHandler>? deviceApiHandler, Func<Task<HttpResponseMessage>>? before)
    {
        await using var own = await OwnNotificationsDb.CreateAsync(fixture);
        var (id, deliveryId) = await StoreTriedOnceAsync(own, device, token);
        if (before is not null)
        {
            (await before()).EnsureSuccessStatusCode();
        }

        await using var replica = await InProcessReplica.StartAsync(fixture, own, deviceApiHandler);
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

        return delivery;
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

    // DeviceApi refusing every query of devices, as it does what it cannot read.
    private sealed class RefusingQueries : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            request.RequestUri?.AbsolutePath == "/api/devices/query"
                ? Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.UnprocessableEntity))
                : base.SendAsync(request, cancellationToken);
    }
}
