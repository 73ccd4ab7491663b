using Npgsql;
using Pushboard.Tests;

namespace Pushboard.Reliability.Tests;

// A localTime notification moves to sending when its last moment is queued, and completes when nothing is pending. Both
// steps can be missed: the scheduler stops between deleting the last moment's row and the move (a deploy, a database
// blip), or the last sends end before the move, so none of them completes it. The sweeper ends such a notification.
// Before, it stayed scheduled or sending for good, counted in progress and never deleted by retention.
[Collection(ReliabilityCollection.Name)]
public sealed class StalledEndingTests(ReliabilityAppFixture fixture) : IDisposable
{
    private readonly PushboardClient _pushboard = new(fixture);

    [Theory]
    [InlineData("scheduled")]
    [InlineData("sending")]
    public async Task A_resolved_local_time_notification_with_nothing_pending_and_no_moment_left_completes(string status)
    {
        var id = await StoreResolvedAsync(status);

        var done = await _pushboard.WaitUntilFinishedAsync(id.ToString(), TimeSpan.FromSeconds(30));

        Assert.Equal(("completed", 1, 0), (done["status"].Text(), PushboardClient.Count(done, "sent"), PushboardClient.Count(done, "pending")));
    }

    public void Dispose() => _pushboard.Dispose();

    // As the service leaves it: resolved a minute ago, its one delivery sent, no scheduled work row, no progress since.
    private async Task<Guid> StoreResolvedAsync(string status)
    {
        var id = Guid.CreateVersion7();
        await using var db = await fixture.OpenDatabaseAsync("notificationsdb");
        await using var insert = new NpgsqlCommand(
            """
            INSERT INTO notifications (id, status, created_at, updated_at, resolved_at, queued_through_delivery_id, target, message, local_time)
            VALUES (@id, @status, now() - interval '2 minutes', now() - interval '1 minute', now() - interval '1 minute', 0,
                '{"all": true}', '{"data": {"a": "b"}}', '09:00');
            INSERT INTO delivery_counts (notification_id, shard, targeted, pending, sent, failed, invalid_token, canceled, updated_at,
                rate_minute, final_this_minute, final_last_minute)
            VALUES (@id, 0, 1, 0, 1, 0, 0, 0, now() - interval '1 minute', date_trunc('minute', now()), 0, 0);
            """, db);
        insert.Parameters.AddWithValue("id", id);
        insert.Parameters.AddWithValue("status", status);
        await insert.ExecuteNonQueryAsync();
        return id;
    }
}
