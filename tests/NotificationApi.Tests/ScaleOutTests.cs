using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Pushboard.NotificationApi.Sending;
using Pushboard.Tests;
using StackExchange.Redis;

namespace Pushboard.NotificationApi.Tests;

// Two NotificationApi replicas sharing the work queue, with a short claim timeout so a dead replica's work moves quickly,
// and the stalled-notification sweeper held off for 5 minutes (2 by default), so that only XAUTOCLAIM can move it
// within ScaleOutTests' bound.
public sealed class ReplicatedAppFixture : PushboardAppFixture
{
    protected override void Configure(IDistributedApplicationTestingBuilder builder) =>
        builder.CreateResourceBuilder<ProjectResource>("notificationapi")
            .WithReplicas(2)
            .WithEnvironment("Sending__ClaimIdle", "00:00:05")
            .WithEnvironment("Sending__StalledAfter", "00:05:00");
}

[CollectionDefinition(Name)]
public sealed class ReplicatedCollection : ICollectionFixture<ReplicatedAppFixture>
{
    public const string Name = "replicated";
}

[Collection(ReplicatedCollection.Name)]
public sealed class ScaleOutTests(ReplicatedAppFixture fixture) : IDisposable
{
    private readonly PushboardClient _pushboard = new(fixture);

    // Each send is held 4 s by the emulator, so a send item (a page of 500 deliveries, 200 at a time) stays in its
    // replica's hands for 12 s or more, longer than resolving the broadcast's six pages takes: the replica that resolves
    // cannot hold them all, and a replica started again by the kill test has seconds to start reading. Each replica
    // reads the group as one consumer; the test samples who holds items, leaving out any that held some before.
    [Fact]
    public async Task Two_replicas_share_a_broadcast_and_every_device_gets_exactly_one_message()
    {
        await _pushboard.Emulator.DeleteAsync("/emulator/messages");
        var tokens = await fixture.SeedDevicesAsync("share", 3000);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await fixture.ConnectionStringOf("cache"));
        var stale = (await HoldersAsync(redis)).ToHashSet();
        var holders = new HashSet<string>();
        (await _pushboard.Emulator.PutAsJsonAsync("/emulator/faults", new { latencyMs = 4000 })).EnsureSuccessStatusCode();
        JsonObject accepted;
        try
        {
            accepted = await _pushboard.SendAsync(new { target = new { all = true }, notification = new { title = "to all" } });
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
            while ((await _pushboard.Notifications.GetFromJsonAsync<JsonObject>($"/api/notifications/{accepted["id"].Text()}", timeout.Token))!["status"].Text()
                is not ("completed" or "failed"))
            {
                holders.UnionWith(await HoldersAsync(redis));
                await Task.Delay(200, timeout.Token);
            }
        }
        finally
        {
            await _pushboard.Emulator.DeleteAsync("/emulator/faults");
        }

        var done = await _pushboard.WaitUntilFinishedAsync(accepted["id"].Text());
        Assert.Equal("completed", done["status"].Text());
        holders.ExceptWith(stale);
        Assert.True(holders.Count == 2, $"work items were held by {holders.Count} consumers, not one per replica: {string.Join(", ", holders)}");
        var deliveries = await _pushboard.DeliveriesAsync(accepted["id"].Text());
        Assert.Equal(tokens.Count, deliveries.Count(d => d["deviceId"].Text().StartsWith("share-", StringComparison.Ordinal)));
        Assert.All(deliveries, d => Assert.Equal("sent", d["status"].Text()));
        var stats = (await _pushboard.Emulator.GetFromJsonAsync<JsonObject>("/emulator/stats"))!;
        Assert.Equal(deliveries.Count, (int)stats["accepted"]!);
    }

    [Fact]
    public async Task A_replica_killed_mid_broadcast_loses_nothing()
    {
        await fixture.SeedDevicesAsync("crash", 4000);
        (await _pushboard.Emulator.PutAsJsonAsync("/emulator/faults", new { latencyMs = 5 })).EnsureSuccessStatusCode();
        await _pushboard.Emulator.DeleteAsync("/emulator/messages");
        string? killed = null;
        Exception? failed = null;
        try
        {
            var accepted = await _pushboard.SendAsync(new { target = new { all = true }, data = new { wave = "crash" } });
            var id = accepted["id"].Text();
            await _pushboard.WaitUntilSentAsync(id, 300, within: TimeSpan.FromSeconds(60));

            killed = await fixture.KillAsync("notificationapi");
            await _pushboard.Emulator.DeleteAsync("/emulator/faults");
            // The other replica claims the dead one's items once idle for Sending:ClaimIdle (5 s), sends their
            // deliveries once the dead one's leases run out (30 s), and resolves again if the dead one was resolving:
            // about 1.5 minutes at worst on a loaded machine. The sweeper, which would also finish the broadcast, waits
            // 5 minutes without progress (ReplicatedAppFixture).
            var done = await _pushboard.WaitUntilFinishedAsync(id, within: TimeSpan.FromMinutes(4));

            var deliveries = await _pushboard.DeliveriesAsync(id);
            Assert.Equal("completed", done["status"].Text());
            Assert.All(deliveries, d => Assert.Equal("sent", d["status"].Text()));
            var stats = (await _pushboard.Emulator.GetFromJsonAsync<JsonObject>("/emulator/stats"))!;
            var duplicates = (int)stats["accepted"]! - deliveries.Count;
            Assert.InRange(duplicates, 0, PushboardAppFixture.InFlightWindow);
        }
        catch (Exception exception)
        {
            failed = exception;
            throw;
        }
        finally
        {
            // Two replicas again for whatever runs after this test in the collection; a failure to restart is reported
            // with the test's own, not instead of it.
            if (killed is not null)
            {
                try
                {
                    await fixture.StartInstanceAsync(killed);
                }
                catch (Exception restart) when (failed is not null)
                {
                    throw new AggregateException(failed, restart);
                }
            }

            await _pushboard.Emulator.DeleteAsync("/emulator/faults");
        }
    }

    // The consumers of the work stream's group holding at least one item read and not yet acknowledged.
    private static async Task<IEnumerable<string>> HoldersAsync(ConnectionMultiplexer redis) =>
        (await redis.GetDatabase().StreamConsumerInfoAsync(WorkQueue.StreamName, WorkQueue.GroupName))
            .Where(consumer => consumer.PendingMessageCount > 0).Select(consumer => consumer.Name);

    public void Dispose() => _pushboard.Dispose();
}
