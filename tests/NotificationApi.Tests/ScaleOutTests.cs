using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Pushboard.Tests;

namespace Pushboard.NotificationApi.Tests;

// Two NotificationApi replicas sharing the work queue, with a short claim timeout so a dead replica's work moves quickly.
public sealed class ReplicatedAppFixture : PushboardAppFixture
{
    protected override void Configure(IDistributedApplicationTestingBuilder builder) =>
        builder.CreateResourceBuilder<ProjectResource>("notificationapi")
            .WithReplicas(2)
            .WithEnvironment("Sending__ClaimIdle", "00:00:05");
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

    [Fact]
    public async Task Two_replicas_share_a_broadcast_and_every_device_gets_exactly_one_message()
    {
        await _pushboard.Emulator.DeleteAsync("/emulator/messages");
        var tokens = await fixture.SeedDevicesAsync("share", 3000);

        var accepted = await _pushboard.SendAsync(new { target = new { all = true }, notification = new { title = "to all" } });
        var done = await _pushboard.WaitUntilFinishedAsync(accepted["id"].Text());

        Assert.Equal("completed", done["status"].Text());
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
        try
        {
            var accepted = await _pushboard.SendAsync(new { target = new { all = true }, data = new { wave = "crash" } });
            var id = accepted["id"].Text();
            await _pushboard.WaitUntilSentAsync(id, 300, within: TimeSpan.FromSeconds(60));

            await fixture.KillAsync("notificationapi");
            await _pushboard.Emulator.DeleteAsync("/emulator/faults");
            var done = await _pushboard.WaitUntilFinishedAsync(id);

            var deliveries = await _pushboard.DeliveriesAsync(id);
            Assert.Equal("completed", done["status"].Text());
            Assert.All(deliveries, d => Assert.Equal("sent", d["status"].Text()));
            var stats = (await _pushboard.Emulator.GetFromJsonAsync<JsonObject>("/emulator/stats"))!;
            var duplicates = (int)stats["accepted"]! - deliveries.Count;
            Assert.InRange(duplicates, 0, PushboardAppFixture.InFlightWindow);
        }
        finally
        {
            await _pushboard.Emulator.DeleteAsync("/emulator/faults");
        }
    }

    public void Dispose() => _pushboard.Dispose();
}
