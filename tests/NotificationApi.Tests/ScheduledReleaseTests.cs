using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pushboard.NotificationApi.Infrastructure;
using Pushboard.NotificationApi.Model;
using Pushboard.NotificationApi.Sending;
using Pushboard.Tests;
using StackExchange.Redis;

namespace Pushboard.NotificationApi.Tests;

// A scheduler that released a sendAt notification for resolution and stopped (or could not reach Redis) before its
// resolve item was queued: the next scheduler to lease the row queues it. Before, the row was deleted unqueued, and the
// notification waited, queued with no work item, for the stalled-notification sweeper (2 to 2.5 minutes).
[Collection(NotificationApiCollection.Name)]
public sealed class ScheduledReleaseTests(PushboardAppFixture fixture)
{
    [Fact]
    public async Task A_notification_released_by_a_scheduler_that_stopped_before_queueing_it_is_queued_by_the_next()
    {
        await using var own = await OwnNotificationsDb.CreateAsync(fixture);
        await using var db = own.Open();
        var sendAt = DateTime.UtcNow.AddMinutes(-1);
        var id = Guid.CreateVersion7();
        db.Notifications.Add(new Notification
        {
            Id = id, Status = NotificationStatus.Scheduled, CreatedAt = sendAt.AddHours(-1), UpdatedAt = sendAt.AddHours(-1), SendAt = sendAt,
            TargetJson = """{"all": true}""", MessageJson = """{"data": {"kind": "released"}}""",
        });
        db.ScheduledWork.Add(new ScheduledWork { NotificationId = id, Kind = ScheduledWorkKind.Resolve, DueAt = sendAt });
        await db.SaveChangesAsync();
        Assert.True(await new ScheduledWorkStore(db, TimeProvider.System).ReleaseForResolutionAsync(id, CancellationToken.None));

        await using var services = await own.JobServicesAsync(TimeProvider.System);
        using var scheduler = ActivatorUtilities.CreateInstance<NotificationScheduler>(services);
        await scheduler.StartAsync(CancellationToken.None);
        try
        {
            var until = DateTime.UtcNow.AddSeconds(15);
            while (await db.ScheduledWork.AnyAsync(w => w.NotificationId == id) && DateTime.UtcNow < until)
            {
                await Task.Delay(100);
            }
        }
        finally
        {
            await scheduler.StopAsync(CancellationToken.None);
        }

        var queued = await services.GetRequiredService<IConnectionMultiplexer>().GetDatabase().StreamRangeAsync(WorkQueue.StreamName);
        Assert.Contains(queued, entry => entry["notification"] == id.ToString() && entry["kind"] == nameof(WorkKind.Resolve));
        Assert.False(await db.ScheduledWork.AnyAsync(w => w.NotificationId == id));
    }
}
