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
        await OnNewGroupAsync("consumers", async (database, stream, group) =>
        {
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
        });
    }

    // XAUTOCLAIM looks at no more than ten pending entries per claimed one; before, every claim started from the first
    // pending entry, and the ten held by live readers there hid the dead reader's entry behind them for as long as they lasted.
    [Fact]
    public async Task An_entry_left_behind_entries_that_are_being_worked_on_is_claimed()
    {
        await OnNewGroupAsync("claims", async (database, stream, group) =>
        {
            for (var i = 0; i < 11; i++)
            {
                await database.StreamAddAsync(stream, "work", i);
            }

            var held = await group.ReadNewAsync("live", 10);
            var left = Assert.Single(await group.ReadNewAsync("dead", 1));
            await Task.Delay(TimeSpan.FromMilliseconds(2500));
            foreach (var entry in held)
            {
                await group.ResetIdleAsync("live", entry.Id);
            }

            var claimed = new List<StreamEntry>();
            for (var call = 0; call < 3 && claimed.Count == 0; call++)
            {
                claimed.AddRange(await group.ClaimIdleAsync("taker", TimeSpan.FromSeconds(2), 1));
            }

            Assert.Equal(left.Id, Assert.Single(claimed).Id);
        });
    }

    [Fact]
    public async Task An_entry_claimed_again_and_again_does_not_keep_new_entries_from_being_read()
    {
        await OnNewGroupAsync("turns", async (database, stream, group) =>
        {
            await database.StreamAddAsync(stream, "work", "failing");
            Assert.Single(await group.ReadNewAsync("dead", 1));
            await database.StreamAddAsync(stream, "work", "new");

            // The taker never acknowledges: each read comes after the claimed entry was idle long enough again.
            var read = new List<string>();
            for (var call = 0; call < 2; call++)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(300));
                read.AddRange((await group.ReadAsync("taker", TimeSpan.FromMilliseconds(200), 1)).Select(entry => (string)entry["work"]!));
            }

            Assert.Equal(["failing", "new"], read.Order());
        });
    }

    [Fact]
    public async Task A_stream_without_its_group_has_no_names_to_forget()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await fixture.ConnectionStringOf("cache"));
        var group = new StreamConsumerGroup(redis, PushboardClient.Unique("nostream"), "readers");

        Assert.Equal(0, await group.ForgetIdleConsumersAsync(TimeSpan.Zero));
    }

    // A stream of the test's own with the group created on it, deleted afterwards.
    private async Task OnNewGroupAsync(string name, Func<IDatabase, string, StreamConsumerGroup, Task> test)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await fixture.ConnectionStringOf("cache"));
        var database = redis.GetDatabase();
        var stream = PushboardClient.Unique(name);
        var group = new StreamConsumerGroup(redis, stream, "readers");
        try
        {
            await group.EnsureAsync();
            await test(database, stream, group);
        }
        finally
        {
            await database.KeyDeleteAsync(stream);
        }
    }
}
