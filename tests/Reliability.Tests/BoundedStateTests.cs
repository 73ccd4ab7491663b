using Pushboard.Tests;
using StackExchange.Redis;

namespace Pushboard.Reliability.Tests;

// shared/DESIGN.md "State stays bounded": what Pushboard keeps goes away once it is no longer needed.
[Collection(ReliabilityCollection.Name)]
public sealed class BoundedStateTests(ReliabilityAppFixture fixture) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly PushboardClient _pushboard = new(fixture);

    [Fact]
    public async Task Work_items_and_device_events_leave_their_streams_once_they_are_done()
    {
        var (device, dead) = (PushboardClient.Unique("trim"), PushboardClient.Unique("trim-dead"));
        await _pushboard.RegisterAsync(device, PushboardClient.Unique("token"));
        await _pushboard.RegisterAsync(dead, PushboardClient.Unique("unregistered"));

        var id = (await _pushboard.SendAsync(new { target = new { deviceIds = new[] { device, dead } }, data = new { a = "trim" } }))["id"].Text();
        await _pushboard.WaitUntilFinishedAsync(id);
        await _pushboard.WaitUntilInvalidAsync(dead);

        await using var redis = await ConnectionMultiplexer.ConnectAsync(await fixture.ConnectionStringOf("cache"));
        var database = redis.GetDatabase();
        using var timeout = new CancellationTokenSource(Patience);
        while (await MentionsAsync(database, "notifications:work", id) + await MentionsAsync(database, "device-events", dead) > 0)
        {
            await Task.Delay(200, timeout.Token);
        }
    }

    // Entries of the stream that name the notification or the device in any field.
    private static async Task<int> MentionsAsync(IDatabase database, string stream, string value) =>
        (await database.StreamRangeAsync(stream)).Count(entry => entry.Values.Any(field => field.Value.ToString().Contains(value, StringComparison.Ordinal)));

    public void Dispose() => _pushboard.Dispose();
}
