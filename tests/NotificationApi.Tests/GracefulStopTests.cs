using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Pushboard.Contracts;
using Pushboard.NotificationApi.Model;
using Pushboard.Tests;

namespace Pushboard.NotificationApi.Tests;

// A rolling deploy stops a replica in the middle of a broadcast: what FCM took before the stop must not be sent again,
// and one stalled answer must not hold the stop (and the record of the others) past Fcm:StopGrace (5 s).
[Collection(NotificationApiCollection.Name)]
public sealed class GracefulStopTests(PushboardAppFixture fixture) : IDisposable
{
    private readonly PushboardClient _pushboard = new(fixture);

    [Fact]
    public async Task A_replica_stopped_while_FCM_answers_records_what_FCM_took_and_leaves_nothing_to_send_again()
    {
        var (statuses, _) = await StopWhileFcmAnswersAsync(TimeSpan.FromSeconds(3));

        Assert.Equal([DeliveryStatus.Sent, DeliveryStatus.Sent, DeliveryStatus.Sent], statuses);
    }

    [Fact]
    public async Task A_replica_stopped_while_FCM_stalls_gives_up_on_the_answers_after_its_grace()
    {
        var (statuses, stopping) = await StopWhileFcmAnswersAsync(TimeSpan.FromSeconds(20));

        Assert.Equal([DeliveryStatus.Pending, DeliveryStatus.Pending, DeliveryStatus.Pending], statuses);
        Assert.InRange(stopping, TimeSpan.Zero, TimeSpan.FromSeconds(15));
    }

    public void Dispose() => _pushboard.Dispose();

    // Three devices sent to by a replica of the test's own, which is stopped once the emulator took the three sends and
    // holds their answers for `answerLatency`: the deliveries' statuses after the stop, and how long the stop took.
    private async Task<(List<string> Statuses, TimeSpan Stopping)> StopWhileFcmAnswersAsync(TimeSpan answerLatency)
    {
        List<(string Device, string Token)> devices = [.. Enumerable.Range(0, 3).Select(_ => (PushboardClient.Unique("stop"), PushboardClient.Unique("token")))];
        foreach (var (device, token) in devices)
        {
            await _pushboard.RegisterAsync(device, token);
        }

        await using var own = await OwnNotificationsDb.CreateAsync(fixture);
        var replica = await InProcessReplica.StartAsync(fixture, own);
        Guid id;
        var stopping = Stopwatch.StartNew();
        try
        {
            (await _pushboard.Emulator.PutAsJsonAsync("/emulator/faults", new { answerLatencyMs = (int)answerLatency.TotalMilliseconds })).EnsureSuccessStatusCode();
            using var client = replica.CreateClient();
            client.DefaultRequestHeaders.Add(ApiHeaders.ApiKey, fixture.AdminApiKey);
            var response = await client.PostAsJsonAsync("/api/notifications",
                new { target = new { deviceIds = devices.Select(d => d.Device) }, notification = new { title = "Stopped while FCM answers" } });
            response.EnsureSuccessStatusCode();
            id = (await response.Content.ReadFromJsonAsync<Accepted>())!.Id;
            for (var deadline = DateTime.UtcNow.AddSeconds(30); !await AllTakenAsync(devices); await Task.Delay(100))
            {
                Assert.True(DateTime.UtcNow < deadline, "the emulator did not take the three sends within 30 s");
            }
        }
        finally
        {
            stopping.Restart();
            await replica.DisposeAsync();
            stopping.Stop();
            await _pushboard.Emulator.DeleteAsync("/emulator/faults");
        }

        await using var db = own.Open();
        return (await db.Deliveries.AsNoTracking().Where(d => d.NotificationId == id).Select(d => d.Status).ToListAsync(), stopping.Elapsed);
    }

    private async Task<bool> AllTakenAsync(List<(string Device, string Token)> devices)
    {
        foreach (var (_, token) in devices)
        {
            if ((await _pushboard.ReceivedAsync(token)).Count == 0)
            {
                return false;
            }
        }

        return true;
    }

    private sealed record Accepted(Guid Id);
}
