using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Pushboard.NotificationApi.Infrastructure;
using Pushboard.NotificationApi.Model;
using Pushboard.NotificationApi.Sending;
using Pushboard.Tests;
using StackExchange.Redis;

namespace Pushboard.NotificationApi.Tests;

// The stalled-notification sweeper runs in process on a fake clock, over a notifications database and a Redis database
// of the test's own, so that no worker takes the copies it queues: as in a long FCM outage, where each copy is read and
// retried and stays in the stream.
[Collection(NotificationApiCollection.Name)]
public sealed class StalledSweepTests(PushboardAppFixture fixture)
{
    // Before, every sweep that found the notification stalled added a copy: the stream grew with the outage's length.
    [Fact]
    public async Task A_stalled_notification_has_one_copy_of_its_work_in_the_stream_however_many_sweeps_find_it()
    {
        await using var own = await OwnNotificationsDb.CreateAsync(fixture);
        var id = await own.StoreResolvedMomentAsync(PushboardClient.Unique("stalled"), PushboardClient.Unique("token"), DateTime.UtcNow);
        await using var db = own.Open();
        await db.ScheduledWork.Where(work => work.NotificationId == id).ExecuteDeleteAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(1));
        await using var services = await own.JobServicesAsync(clock);
        var options = services.GetRequiredService<IOptions<SendingOptions>>().Value;

        using var sweeper = ActivatorUtilities.CreateInstance<StalledNotificationSweeper>(services);
        await sweeper.StartAsync(CancellationToken.None);
        try
        {
            for (var sweep = 0; sweep < 3; sweep++)
            {
                clock.Advance(sweep == 0 ? TimeSpan.Zero : options.StalledAfter + options.SweepInterval);
                await UntilSweptAsync(db, id, clock.GetUtcNow().UtcDateTime);
            }
        }
        finally
        {
            await sweeper.StopAsync(CancellationToken.None);
        }

        var redis = services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        var copies = (await redis.StreamRangeAsync(WorkQueue.StreamName)).Where(entry => entry["notification"] == id.ToString()).ToArray();
        await redis.StreamDeleteAsync(WorkQueue.StreamName, [.. copies.Select(entry => entry.Id)]);
        Assert.Single(copies);
    }

    // Two replicas' sweepers that find the same stalled notifications at once: before, each queued a copy of each.
    [Fact]
    public async Task Sweepers_of_two_replicas_finding_the_same_stalled_notifications_queue_one_copy_of_each()
    {
        await using var own = await OwnNotificationsDb.CreateAsync(fixture);
        var ids = new List<Guid>();
        for (var i = 0; i < 20; i++)
        {
            ids.Add(await own.StoreResolvedMomentAsync(PushboardClient.Unique("stalled"), PushboardClient.Unique("token"), DateTime.UtcNow));
        }

        await using var db = own.Open();
        await db.ScheduledWork.Where(work => ids.Contains(work.NotificationId)).ExecuteDeleteAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(1));
        await using var services = await own.JobServicesAsync(clock);

        using var first = ActivatorUtilities.CreateInstance<StalledNotificationSweeper>(services);
        using var second = ActivatorUtilities.CreateInstance<StalledNotificationSweeper>(services);
        await Task.WhenAll(first.StartAsync(CancellationToken.None), second.StartAsync(CancellationToken.None));
        try
        {
            // A sweep touches the notification first and records its copy last.
            var until = DateTime.UtcNow.AddSeconds(30);
            while (await db.Notifications.AsNoTracking().CountAsync(n => ids.Contains(n.Id) && n.SweptWorkEntry != null) < ids.Count)
            {
                Assert.True(DateTime.UtcNow < until, "the sweepers did not sweep every notification");
                await Task.Delay(100);
            }
        }
        finally
        {
            await Task.WhenAll(first.StopAsync(CancellationToken.None), second.StopAsync(CancellationToken.None));
        }

        var stalled = ids.Select(id => id.ToString()).ToHashSet();
        var redis = services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        var copies = (await redis.StreamRangeAsync(WorkQueue.StreamName)).Where(entry => stalled.Contains(entry["notification"].ToString())).ToArray();
        await redis.StreamDeleteAsync(WorkQueue.StreamName, [.. copies.Select(entry => entry.Id)]);
        Assert.Equal(stalled.Order(), copies.Select(entry => entry["notification"].ToString()).Order());
    }

    // A sweep waits for an unreachable Redis to queue its copy; a replica stopped meanwhile undoes the sweep's touch, so
    // that another replica's next sweep (SweepInterval) queues it. Before, the touch stood and the notification waited
    // another StalledAfter.
    [Fact]
    public async Task A_sweep_cut_short_before_its_copy_was_queued_leaves_the_notification_to_the_next_sweep()
    {
        await using var own = await OwnNotificationsDb.CreateAsync(fixture);
        await using var db = own.Open();
        var id = Guid.CreateVersion7();
        db.Notifications.Add(new Notification
        {
            Id = id, Status = NotificationStatus.Queued, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
            TargetJson = """{"deviceIds": ["nobody"]}""", MessageJson = """{"data": {"kind": "lost"}}""",
        });
        await db.SaveChangesAsync();
        var accepted = await UpdatedAtAsync(db, id);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(1));
        await using var services = await own.JobServicesAsync(clock, "127.0.0.1:9,abortConnect=false,connectTimeout=500");

        using var sweeper = ActivatorUtilities.CreateInstance<StalledNotificationSweeper>(services);
        await sweeper.StartAsync(CancellationToken.None);
        try
        {
            await UntilSweptAsync(db, id, clock.GetUtcNow().UtcDateTime);
        }
        finally
        {
            await sweeper.StopAsync(CancellationToken.None);
        }

        Assert.Equal(accepted, await UpdatedAtAsync(db, id));
    }

    private static Task<DateTime> UpdatedAtAsync(NotificationsDbContext db, Guid id) =>
        db.Notifications.AsNoTracking().Where(n => n.Id == id).Select(n => n.UpdatedAt).SingleAsync();

    // A sweep that found the notification stalled ends by touching it at the clock's time.
    private static async Task UntilSweptAsync(NotificationsDbContext db, Guid id, DateTime now)
    {
        var until = DateTime.UtcNow.AddSeconds(15);
        while (await UpdatedAtAsync(db, id) < now.AddSeconds(-1))
        {
            Assert.True(DateTime.UtcNow < until, "the sweeper did not sweep the notification");
            await Task.Delay(100);
        }
    }
}
