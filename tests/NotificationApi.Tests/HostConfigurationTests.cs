using Microsoft.Extensions.Options;
using Pushboard.Tests;

namespace Pushboard.NotificationApi.Tests;

// A setting that would make the service misbehave quietly (every send timed out at once, consumers claiming each
// other's work in flight, an Idempotency-Key forgotten at once) stops the start instead, naming the setting.
[Collection(NotificationApiCollection.Name)]
public sealed class HostConfigurationTests(PushboardAppFixture fixture)
{
    [Theory]
    [InlineData("Fcm:Timeout", "00:00:00")]
    [InlineData("Fcm:Endpoint", "fcm.googleapis.com")]
    [InlineData("Fcm:MaxConnections", "0")]
    [InlineData("Sending:Concurrency", "0")]
    [InlineData("Sending:ClaimIdle", "00:00:00")]
    [InlineData("Sending:RetryMaxDelay", "00:00:00.1")]
    [InlineData("Notifications:IdempotencyWindow", "-01:00:00")]
    public async Task A_setting_out_of_its_range_stops_the_start_naming_it(string key, string value)
    {
        await using var own = await OwnNotificationsDb.CreateAsync(fixture);

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => InProcessReplica.StartAsync(fixture, own, settings: [(key, value)]));

        Assert.Contains(key.Split(':')[1], failure.Message);
        Assert.Contains(key.Split(':')[0] + ":", failure.Message);
    }
}
