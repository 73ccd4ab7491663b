using Microsoft.EntityFrameworkCore;
using Npgsql;
using Pushboard.NotificationApi.Infrastructure;
using Pushboard.NotificationApi.Model;
using Pushboard.Tests;

namespace Pushboard.NotificationApi.Tests;

// The lease statement against the AppHost's Postgres, with another sender's lease held open in a transaction of its own.
[Collection(NotificationApiCollection.Name)]
public sealed class DeliveryLeaseTests(PushboardAppFixture fixture)
{
    [Fact]
    public async Task A_delivery_another_sender_is_leasing_at_that_moment_is_passed_over_not_held_twice()
    {
        var notificationId = Guid.CreateVersion7();
        await using var other = await fixture.OpenDatabaseAsync("notificationsdb");
        var ids = await InsertPendingAsync(other, notificationId);
        var otherLease = Guid.CreateVersion7();
        await using var leasing = await other.BeginTransactionAsync();
        await using (var lease = new NpgsqlCommand(
            "UPDATE deliveries SET lease_id = @lease, lease_expires_at = now() + interval '30 seconds' WHERE id = @id", other, leasing))
        {
            lease.Parameters.AddWithValue("lease", otherLease);
            lease.Parameters.AddWithValue("id", ids[1]);
            await lease.ExecuteNonQueryAsync();
        }

        await using var db = await NotificationsDb.OpenAsync(fixture);
        var store = new DeliveryStore(db, TimeProvider.System);
        var myLease = Guid.CreateVersion7();
        var mine = store.LeasePendingAsync(notificationId, ids[0] - 1, ids[^1], DateTime.UtcNow, 10, myLease, TimeSpan.FromSeconds(30), CancellationToken.None);
        await Task.WhenAny(mine, Task.Delay(TimeSpan.FromSeconds(1)));
        await leasing.CommitAsync();
        var leased = await mine;

        Assert.Equal([ids[0], ids[2]], leased.Select(d => d.Id));
        await using var holders = new NpgsqlCommand("SELECT lease_id FROM deliveries WHERE id = ANY(@ids) ORDER BY id", other);
        holders.Parameters.AddWithValue("ids", ids.ToArray());
        var held = new List<Guid>();
        await using (var reader = await holders.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                held.Add(reader.GetGuid(0));
            }
        }

        Assert.Equal([myLease, otherLease, myLease], held);
    }

    [Fact]
    public async Task A_page_whose_lease_ran_out_and_was_partly_taken_over_is_not_renewed_and_letting_go_leaves_the_other_senders()
    {
        // What a sender checks after reading a local-time page's devices again, which takes as long as DeviceApi does.
        var notificationId = Guid.CreateVersion7();
        await using var other = await fixture.OpenDatabaseAsync("notificationsdb");
        var ids = await InsertPendingAsync(other, notificationId);
        await using var db = await NotificationsDb.OpenAsync(fixture);
        var store = new DeliveryStore(db, TimeProvider.System);
        var (myLease, otherLease) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var duration = TimeSpan.FromSeconds(30);
        await store.LeasePendingAsync(notificationId, ids[0] - 1, ids[^1], DateTime.UtcNow, 10, myLease, duration, CancellationToken.None);
        Assert.True(await store.RenewWholeLeaseAsync(myLease, [.. ids], duration, CancellationToken.None));

        await RunOutAsync(other, ids);

        var taken = await store.LeasePendingAsync(notificationId, ids[0] - 1, ids[^1], DateTime.UtcNow, 1, otherLease, duration, CancellationToken.None);
        Assert.Equal([ids[0]], taken.Select(d => d.Id));

        Assert.False(await store.RenewWholeLeaseAsync(myLease, [.. ids], duration, CancellationToken.None));
        await store.ReleaseLeaseAsync(myLease, [.. ids], CancellationToken.None);
        Assert.Equal([otherLease, null, null], await db.Deliveries.AsNoTracking().Where(d => ids.Contains(d.Id)).OrderBy(d => d.Id).Select(d => d.LeaseId).ToListAsync());
    }

    // A renewal that waits for another sender taking the run-out lease over (both statements touch the same rows) skips
    // them: before, it still read them as its own in the snapshot it began with, and its holder went on sending them.
    [Fact]
    public async Task A_renewal_that_waited_for_another_sender_taking_the_page_over_is_not_held()
    {
        var notificationId = Guid.CreateVersion7();
        await using var other = await fixture.OpenDatabaseAsync("notificationsdb");
        var ids = await InsertPendingAsync(other, notificationId);
        await using var db = await NotificationsDb.OpenAsync(fixture);
        var store = new DeliveryStore(db, TimeProvider.System);
        var (myLease, otherLease) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var duration = TimeSpan.FromSeconds(30);
        await store.LeasePendingAsync(notificationId, ids[0] - 1, ids[^1], DateTime.UtcNow, 10, myLease, duration, CancellationToken.None);
        await RunOutAsync(other, ids);

        await using var leasing = await other.BeginTransactionAsync();
        await using (var takeOver = new NpgsqlCommand(
            "UPDATE deliveries SET lease_id = @lease, lease_expires_at = now() + interval '30 seconds' WHERE id = ANY(@ids)", other, leasing))
        {
            takeOver.Parameters.AddWithValue("lease", otherLease);
            takeOver.Parameters.AddWithValue("ids", ids.ToArray());
            await takeOver.ExecuteNonQueryAsync();
        }

        var renewing = store.RenewLeaseAsync(myLease, [.. ids], duration, CancellationToken.None);
        await Task.WhenAny(renewing, Task.Delay(TimeSpan.FromSeconds(1)));
        Assert.False(renewing.IsCompleted);
        await leasing.CommitAsync();

        Assert.False(await renewing);
    }

    // A send held back before its first try of a pass (the QUOTA_EXCEEDED pause, then a cancel read that failed) has no
    // error of its own: before, recording it wiped the error its earlier pass had recorded.
    [Fact]
    public async Task A_delivery_left_pending_without_a_try_keeps_the_error_of_its_last_try()
    {
        // Recording moves the notification's counts, which need its row; completed, so that no replica sweeps it.
        var notificationId = Guid.CreateVersion7();
        await using var db = await NotificationsDb.OpenAsync(fixture);
        db.Notifications.Add(new Notification { Id = notificationId, Status = NotificationStatus.Completed, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow });
        await db.SaveChangesAsync();
        await using var other = await fixture.OpenDatabaseAsync("notificationsdb");
        var ids = await InsertPendingAsync(other, notificationId);
        var store = new DeliveryStore(db, TimeProvider.System);
        var (firstPass, secondPass) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var duration = TimeSpan.FromSeconds(30);

        await store.LeasePendingAsync(notificationId, ids[0] - 1, ids[0], DateTime.UtcNow, 1, firstPass, duration, CancellationToken.None);
        await store.RecordAsync(notificationId, firstPass, [new DeliveryResult(ids[0], DeliveryStatus.Pending, null, "UNAVAILABLE", 8)], CancellationToken.None);
        await store.LeasePendingAsync(notificationId, ids[0] - 1, ids[0], DateTime.UtcNow, 1, secondPass, duration, CancellationToken.None);
        await store.RecordAsync(notificationId, secondPass, [new DeliveryResult(ids[0], DeliveryStatus.Pending, null, null, 0)], CancellationToken.None);

        var delivery = await db.Deliveries.AsNoTracking().SingleAsync(d => d.Id == ids[0]);
        Assert.Equal((DeliveryStatus.Pending, "UNAVAILABLE", 8, (Guid?)null), (delivery.Status, delivery.Error, delivery.Attempts, delivery.LeaseId));
    }

    // The deliveries' lease runs out, as if its holder had stopped renewing it.
    private static async Task RunOutAsync(NpgsqlConnection connection, List<long> ids)
    {
        await using var runOut = new NpgsqlCommand("UPDATE deliveries SET lease_expires_at = now() - interval '1 second' WHERE id = ANY(@ids)", connection);
        runOut.Parameters.AddWithValue("ids", ids.ToArray());
        await runOut.ExecuteNonQueryAsync();
    }

    // Three pending deliveries of a notification no replica knows (deliveries have no foreign key), so only the test
    // leases them; their ids in order.
    private static async Task<List<long>> InsertPendingAsync(NpgsqlConnection connection, Guid notificationId)
    {
        var ids = new List<long>();
        await using var insert = new NpgsqlCommand(
            """
            INSERT INTO deliveries (notification_id, device_id, token, status, attempts, updated_at)
            SELECT @notification, 'lease-' || n, 'token-' || n, 'pending', 0, now() FROM generate_series(1, 3) AS n
            RETURNING id
            """, connection);
        insert.Parameters.AddWithValue("notification", notificationId);
        await using var reader = await insert.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt64(0));
        }

        ids.Sort();
        return ids;
    }
}
