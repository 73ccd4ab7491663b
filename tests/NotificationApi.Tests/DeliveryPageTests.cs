using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Pushboard.NotificationApi.Infrastructure;
using Pushboard.NotificationApi.Model;
using Pushboard.NotificationApi.Services;
using Pushboard.Tests;

namespace Pushboard.NotificationApi.Tests;

// The resolver's page statement against the AppHost's Postgres: a page written again adds only what was not written
// before and counts nothing twice, whether its resolver knows (the resolution is redone after a crash) or not (another
// resolver of the notification wrote it, or is writing it at that moment); once a resolution finished or its
// notification was canceled, a page adds nothing.
[Collection(NotificationApiCollection.Name)]
public sealed class DeliveryPageTests(PushboardAppFixture fixture)
{
    private static readonly NewDelivery[] FirstTry =
    [
        new("page-a", null, "token-a", DeliveryStatus.Pending, null),
        new("page-b", null, null, DeliveryStatus.Failed, DeliveryErrors.DeviceInactive),
    ];

    private static readonly NewDelivery[] SecondTry = [.. FirstTry, new("page-c", null, "token-c", DeliveryStatus.Pending, null)];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_page_written_again_adds_and_counts_only_its_new_deliveries(bool resolverKnows)
    {
        var notificationId = await StoreEndedNotificationAsync();
        await using var db = await NotificationsDb.OpenAsync(fixture);
        var store = new DeliveryStore(db, TimeProvider.System);

        var first = await store.AddAsync(notificationId, FirstTry, new ResolutionPages(writtenBefore: false), CancellationToken.None);
        var pages = new ResolutionPages(writtenBefore: resolverKnows);
        var again = await store.AddAsync(notificationId, SecondTry, pages, CancellationToken.None);

        var written = await WrittenAsync(db, notificationId);
        Assert.Equal(["page-a", "page-b", "page-c"], written.Select(d => d.DeviceId));
        Assert.Equal([written[0].Id], first);
        Assert.Equal([written[2].Id], again);
        Assert.True(pages.MayExist);
        Assert.Equal((3, 2, 1), await CountsAsync(notificationId));
    }

    [Fact]
    public async Task A_page_another_resolver_is_writing_at_that_moment_is_waited_for_and_not_written_twice()
    {
        var notificationId = await StoreEndedNotificationAsync();
        await using var db = await NotificationsDb.OpenAsync(fixture);
        var store = new DeliveryStore(db, TimeProvider.System);
        await using var otherResolver = await fixture.OpenDatabaseAsync("notificationsdb");
        await using var writing = await WriteUncommittedAsync(otherResolver, notificationId);

        var mine = store.AddAsync(notificationId, SecondTry, new ResolutionPages(writtenBefore: false), CancellationToken.None);
        await Task.WhenAny(mine, Task.Delay(TimeSpan.FromSeconds(1)));
        Assert.False(mine.IsCompleted);
        await writing.CommitAsync();
        var added = await mine;

        var written = await WrittenAsync(db, notificationId);
        Assert.Equal(["page-a", "page-b", "page-c"], written.Select(d => d.DeviceId));
        Assert.Equal([written[2].Id], added);
        Assert.Equal((3, 2, 1), await CountsAsync(notificationId));
    }

    [Fact]
    public async Task A_page_of_duplicates_in_an_open_resolution_counts_nothing_and_shows_progress()
    {
        // A resolution redone after a crash writes pages it wrote before: the stalled sweeper must see it at work.
        var notificationId = await StoreEndedNotificationAsync();
        await using var db = await NotificationsDb.OpenAsync(fixture);
        await new DeliveryStore(db, TimeProvider.System)
            .AddAsync(notificationId, FirstTry, new ResolutionPages(writtenBefore: false), CancellationToken.None);
        var countsTouched = await CountsTouchedAsync(notificationId);
        var redoing = new DeliveryStore(db, new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(1)));

        Assert.Empty(await redoing.AddAsync(notificationId, FirstTry, new ResolutionPages(writtenBefore: true), CancellationToken.None));

        Assert.Equal((2, 1, 1), await CountsAsync(notificationId));
        Assert.True(await CountsTouchedAsync(notificationId) > countsTouched);
    }

    [Fact]
    public async Task A_page_written_after_the_resolution_finished_adds_nothing()
    {
        var notificationId = await StoreEndedNotificationAsync();
        await using var db = await NotificationsDb.OpenAsync(fixture);
        var store = new DeliveryStore(db, TimeProvider.System);
        await store.AddAsync(notificationId, FirstTry, new ResolutionPages(writtenBefore: false), CancellationToken.None);
        await store.FinishResolvingAsync(notificationId, "unused", CancellationToken.None);
        var countsTouched = await CountsTouchedAsync(notificationId);
        var lateResolver = new DeliveryStore(db, new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(1)));

        var late = await lateResolver.AddAsync(notificationId, SecondTry, new ResolutionPages(writtenBefore: true), CancellationToken.None);

        Assert.Empty(late);
        Assert.Equal(["page-a", "page-b"], (await WrittenAsync(db, notificationId)).Select(d => d.DeviceId));
        Assert.Equal((2, 1, 1), await CountsAsync(notificationId));
        Assert.Equal(countsTouched, await CountsTouchedAsync(notificationId));
        Assert.True(await store.ResolutionIsOverAsync(notificationId, CancellationToken.None));
    }

    [Fact]
    public async Task Finishing_a_resolution_waits_for_a_page_another_resolver_is_writing()
    {
        var notificationId = await StoreEndedNotificationAsync();
        await using var db = await NotificationsDb.OpenAsync(fixture);
        var store = new DeliveryStore(db, TimeProvider.System);
        Assert.False(await store.ResolutionIsOverAsync(notificationId, CancellationToken.None));
        await using var otherResolver = await fixture.OpenDatabaseAsync("notificationsdb");
        await using var writing = await WriteUncommittedAsync(otherResolver, notificationId);

        var finishing = store.FinishResolvingAsync(notificationId, "unused", CancellationToken.None);
        await Task.WhenAny(finishing, Task.Delay(TimeSpan.FromSeconds(1)));
        Assert.False(finishing.IsCompleted);
        await writing.CommitAsync();
        await finishing;

        Assert.Equal((2, 1, 1), await CountsAsync(notificationId));
        Assert.Empty(await store.AddAsync(notificationId, SecondTry, new ResolutionPages(writtenBefore: true), CancellationToken.None));
    }

    [Fact]
    public async Task A_page_written_after_a_cancel_adds_nothing()
    {
        // A local-time resolution that read its page from DeviceApi before the cancel: its deliveries would wait for their
        // moment on a canceled notification, with no scheduled work left to cancel them.
        var notificationId = await StoreScheduledNotificationAsync();
        await using var db = await NotificationsDb.OpenAsync(fixture);
        var store = new DeliveryStore(db, TimeProvider.System);
        Assert.IsType<CancelResult.Canceled>(await CancellationOn(db).CancelAsync(notificationId, CancellationToken.None));

        NewDelivery[] localTimePage = [new("page-a", null, "token-a", DeliveryStatus.Pending, null, DateTime.UtcNow.AddHours(1))];
        await store.AddAsync(notificationId, localTimePage, new ResolutionPages(writtenBefore: false), CancellationToken.None);

        Assert.Empty(await WrittenAsync(db, notificationId));
        Assert.False(await db.ScheduledWork.AnyAsync(w => w.NotificationId == notificationId));
    }

    [Fact]
    public async Task A_cancel_waits_for_a_page_another_resolver_is_writing_and_cancels_it()
    {
        var notificationId = await StoreScheduledNotificationAsync();
        await using var db = await NotificationsDb.OpenAsync(fixture);
        await using var otherResolver = await fixture.OpenDatabaseAsync("notificationsdb");
        await using var writing = await WriteUncommittedAsync(otherResolver, notificationId);

        var canceling = CancellationOn(db).CancelAsync(notificationId, CancellationToken.None);
        await Task.WhenAny(canceling, Task.Delay(TimeSpan.FromSeconds(1)));
        Assert.False(canceling.IsCompleted);
        await writing.CommitAsync();
        Assert.IsType<CancelResult.Canceled>(await canceling);

        var written = await WrittenAsync(db, notificationId);
        Assert.Equal([DeliveryStatus.Canceled, DeliveryStatus.Failed], written.Select(d => d.Status));
        Assert.Equal((2, 0, 1), await CountsAsync(notificationId));
    }

    private static NotificationCancellation CancellationOn(NotificationsDbContext db) =>
        new(db, new DeliveryStore(db, TimeProvider.System), new NotificationQueries(db));

    // Another resolver's first page, written in a transaction left open.
    private static async Task<NpgsqlTransaction> WriteUncommittedAsync(NpgsqlConnection otherResolver, Guid notificationId)
    {
        var writing = await otherResolver.BeginTransactionAsync();
        await using var otherDb = NotificationsDb.On(otherResolver);
        await otherDb.Database.UseTransactionAsync(writing);
        await new DeliveryStore(otherDb, TimeProvider.System)
            .AddAsync(notificationId, FirstTry, new ResolutionPages(writtenBefore: false), CancellationToken.None);
        return writing;
    }

    // A notification stored as completed, so that no replica resolves or sends it: only the test writes its rows. Its
    // resolution has not finished, so that pages can be written.
    private Task<Guid> StoreEndedNotificationAsync() => StoreNotificationAsync("completed");

    // A notification scheduled with no scheduled work: no replica resolves it, and it can be canceled.
    private Task<Guid> StoreScheduledNotificationAsync() => StoreNotificationAsync("scheduled");

    private async Task<Guid> StoreNotificationAsync(string status)
    {
        var notificationId = Guid.CreateVersion7();
        await using var connection = await fixture.OpenDatabaseAsync("notificationsdb");
        await using var insert = new NpgsqlCommand(
            """
            INSERT INTO notifications (id, status, created_at, updated_at, resolved_at, completed_at, queued_through_delivery_id, target, message)
            VALUES (@notification, @status, now(), now(), NULL, CASE WHEN @status = 'completed' THEN now() END, 0, '{"all": true}', '{}')
            """, connection);
        insert.Parameters.AddWithValue("notification", notificationId);
        insert.Parameters.AddWithValue("status", status);
        await insert.ExecuteNonQueryAsync();
        return notificationId;
    }

    private static Task<List<Delivery>> WrittenAsync(NotificationsDbContext db, Guid notificationId) =>
        db.Deliveries.AsNoTracking().Where(d => d.NotificationId == notificationId).OrderBy(d => d.Id).ToListAsync();

    // When the notification's counts last moved: the progress the stalled sweeper reads.
    private async Task<DateTime> CountsTouchedAsync(Guid notificationId)
    {
        await using var db = await NotificationsDb.OpenAsync(fixture);
        return await db.DeliveryCounts.Where(c => c.NotificationId == notificationId).MaxAsync(c => c.UpdatedAt);
    }

    // The notification's targeted, pending and failed counts.
    private async Task<(int, int, int)> CountsAsync(Guid notificationId)
    {
        await using var connection = await fixture.OpenDatabaseAsync("notificationsdb");
        await using var counts = new NpgsqlCommand(
            "SELECT sum(targeted)::int, sum(pending)::int, sum(failed)::int FROM delivery_counts WHERE notification_id = @notification",
            connection);
        counts.Parameters.AddWithValue("notification", notificationId);
        await using var reader = await counts.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2));
    }
}
