using Pushboard.ServiceDefaults.Redis;
using Pushboard.Tests;
using StackExchange.Redis;

namespace Pushboard.NotificationApi.Tests;

// The consumer group both services read through forgets the names of readers that stopped, and only those.
[Collection(NotificationApiCollection.Name)]
public sealed class ConsumerNamesTests(PushboardAppFixture fixture)
{
    [Fact]
    public async Task An_idle_name_is_forgotten_while_a_name_holding_an_entry_and_a_reading_name_stay()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await fixture.ConnectionStringOf("cache"));
        var database = redis.GetDatabase();
        var stream = PushboardClient.Unique("consumers");
        var group = new StreamConsumerGroup(redis, stream, "readers");
        try
        {
            await group.EnsureAsync();
            await database.StreamAddAsync(stream, "work", "one");
            await database.StreamAddAsync(stream, "work", "two");
            await group.AcknowledgeAsync(Assert.Single(await group.ReadNewAsync("stopped", 1)).Id);
            Assert.Single(await group.ReadNewAsync("holder", 1));
            await Task.Delay(TimeSpan.FromSeconds(6));
            await database.StreamAddAsync(stream, "work", "three");
            await group.AcknowledgeAsync(Assert.Single(await group.ReadNewAsync("reading", 1)).Id);

            Assert.Equal(1, await group.ForgetIdleConsumersAsync(TimeSpan.FromSeconds(3)));

            var names = (await database.StreamConsumerInfoAsync(stream, "readers")).Select(consumer => (string)consumer.Name!).Order();
            Assert.Equal(["holder", "reading"], names);
            Assert.Equal(1, await group.PendingCountAsync());
        }
        finally
        {
            await database.KeyDeleteAsync(stream);
        }
    }

    [Fact]
    public async Task A_stream_without_its_group_has_no_names_to_forget()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await fixture.ConnectionStringOf("cache"));
        var group = new StreamConsumerGroup(redis, PushboardClient.Unique("nostream"), "readers");

        Assert.Equal(0, await group.ForgetIdleConsumersAsync(TimeSpan.Zero));
    }
}
