using Microsoft.EntityFrameworkCore;
using Npgsql;
using Pushboard.NotificationApi.Infrastructure;
using Pushboard.NotificationApi.Model;
using Pushboard.Tests;

namespace Pushboard.NotificationApi.Tests;

// The resolver's page statement against the AppHost's Postgres: a page written again adds only what was not written
// before, and counts nothing twice, whether its resolver knows (the resolution is redone after a crash) or not (another
// resolver of the notification is still writing).
[Collection(NotificationApiCollection.Name)]
public sealed class DeliveryPageTests(PushboardAppFixture fixture)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_page_written_again_adds_and_counts_only_its_new_deliveries(bool resolverKnows)
    {
        // A notification stored as completed, so no replica resolves or sends it: only this test writes its rows.
        var notificationId = Guid.CreateVersion7();
        await using var connection = await fixture.OpenDatabaseAsync("notificationsdb");
        await using (var notification = new NpgsqlCommand(
            """
            INSERT INTO notifications (id, status, created_at, updated_at, resolved_at, completed_at, queued_through_delivery_id, target, message)
            VALUES (@notification, 'completed', now(), now(), now(), now(), 0, '{"all": true}', '{}')
            """, connection))
        {
            notification.Parameters.AddWithValue("notification", notificationId);
            await notification.ExecuteNonQueryAsync();
        }

        await using var db = new NotificationsDbContext(new DbContextOptionsBuilder<NotificationsDbContext>()
            .UseNpgsql(await fixture.ConnectionStringOf("notificationsdb")).Options);
        var store = new DeliveryStore(db, TimeProvider.System);
        NewDelivery[] firstTry =
        [
            new("page-a", null, "token-a", DeliveryStatus.Pending, null),
            new("page-b", null, null, DeliveryStatus.Failed, DeliveryErrors.DeviceInactive),
        ];

        var first = await store.AddAsync(notificationId, firstTry, writtenBefore: false, CancellationToken.None);
        var again = await store.AddAsync(
            notificationId, [.. firstTry, new("page-c", null, "token-c", DeliveryStatus.Pending, null)], writtenBefore: resolverKnows, CancellationToken.None);

        var written = await db.Deliveries.Where(d => d.NotificationId == notificationId).OrderBy(d => d.Id)
            .Select(d => new { d.Id, d.DeviceId }).ToListAsync();
        Assert.Equal(["page-a", "page-b", "page-c"], written.Select(d => d.DeviceId));
        Assert.Equal([written[0].Id], first);
        Assert.Equal([written[2].Id], again);

        await using var counts = new NpgsqlCommand(
            "SELECT sum(targeted)::int, sum(pending)::int, sum(failed)::int FROM delivery_counts WHERE notification_id = @notification",
            connection);
        counts.Parameters.AddWithValue("notification", notificationId);
        await using var reader = await counts.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal((3, 2, 1), (reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2)));
    }
}
