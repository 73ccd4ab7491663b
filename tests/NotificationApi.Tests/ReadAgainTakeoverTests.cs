using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pushboard.NotificationApi.Fcm;
using Pushboard.NotificationApi.Model;
using Pushboard.Tests;

namespace Pushboard.NotificationApi.Tests;

// At its moment a local-time page's devices are read again from DeviceApi, with no lease keeper running yet; a page
// another sender took over meanwhile must not be sent by both.
[Collection(NotificationApiCollection.Name)]
public sealed class ReadAgainTakeoverTests(PushboardAppFixture fixture) : IDisposable
{
    private readonly PushboardClient _pushboard = new(fixture);

    [Fact]
    public async Task A_page_taken_over_while_its_devices_were_read_again_is_left_to_the_other_sender()
    {
        var (device, token) = (PushboardClient.Unique("reread"), PushboardClient.Unique("token"));
        await _pushboard.RegisterAsync(device, token);
        await using var own = await OwnNotificationsDb.CreateAsync(fixture);
        var id = await own.StoreResolvedMomentAsync(device, token, DateTime.UtcNow.AddSeconds(-1));
        var reading = new ReadingHeld();

        // Sending:ClaimIdle 2 s: the item the replica leaves unacknowledged comes back to it within seconds (the control).
        await using var replica = await InProcessReplica.StartAsync(fixture, own, () => new HoldingHandler(reading), [("Sending:ClaimIdle", "00:00:02")]);
        await reading.Started.WaitAsync(TimeSpan.FromSeconds(30));
        // While the read is held, the replica's FCM path is warmed: its access token fetched, its HTTP/2 connection to
        // the emulator open, its client's code compiled. A send of the page would then reach the emulator in milliseconds.
        var warmUp = await replica.Services.GetRequiredService<FcmClient>().SendAsync(
            new FcmMessage("""{"data":{"kind":"warm-up"}}"""), PushboardClient.Unique("warm-up"), null, CancellationToken.None);
        Assert.Equal(FcmOutcomeKind.Sent, warmUp.Kind);
        // The replica's lease ran out while DeviceApi was slow, and another sender took the page.
        var otherSender = Guid.CreateVersion7();
        await using (var db = own.Open())
        {
            await db.Database.ExecuteSqlRawAsync(
                "UPDATE deliveries SET lease_id = {0}, lease_expires_at = now() + interval '1 minute' WHERE notification_id = {1}", otherSender, id);
        }

        reading.Release();
        await reading.Answered.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(3));

        Assert.Empty(await _pushboard.AttemptsAsync(token));
        await using var check = own.Open();
        var delivery = await check.Deliveries.AsNoTracking().SingleAsync(d => d.NotificationId == id);
        Assert.Equal((DeliveryStatus.Pending, otherSender), (delivery.Status, delivery.LeaseId));

        // The control: once the other sender lets the page go, this replica sends it (its item, claimed again).
        await check.Database.ExecuteSqlRawAsync(
            "UPDATE deliveries SET lease_id = NULL, lease_expires_at = NULL WHERE notification_id = {0}", id);
        var until = DateTime.UtcNow.AddSeconds(30);
        while ((await _pushboard.AttemptsAsync(token)).Count == 0 && DateTime.UtcNow < until)
        {
            await Task.Delay(200);
        }

        Assert.Single(await _pushboard.AttemptsAsync(token));
    }

    public void Dispose() => _pushboard.Dispose();

    // The replica's reads of devices from DeviceApi, each held until the test lets them go.
    private sealed class ReadingHeld
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Started => _started.Task;

        public Task Answered => _answered.Task;

        public Task EnterAsync()
        {
            _started.TrySetResult();
            return _released.Task;
        }

        public void Release() => _released.TrySetResult();

        public void Answer() => _answered.TrySetResult();
    }

    private sealed class HoldingHandler(ReadingHeld reading) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri?.AbsolutePath != "/api/devices/query")
            {
                return await base.SendAsync(request, cancellationToken);
            }

            await reading.EnterAsync().WaitAsync(cancellationToken);
            var response = await base.SendAsync(request, cancellationToken);
            reading.Answer();
            return response;
        }
    }
}
