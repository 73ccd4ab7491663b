using Microsoft.AspNetCore.Components;
using Microsoft.FluentUI.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Pushboard.Web.Components.Pages;
using Pushboard.Web.Services;

namespace Pushboard.Web.Tests;

// The notifications list: scheduled ones first with their time, and cancel.
public sealed class HistoryTests : ConsoleContext
{
    private static readonly DateTime Now = new(2026, 12, 2, 15, 0, 0, DateTimeKind.Utc);

    private readonly FakeNotificationApi _api = new();

    public HistoryTests()
    {
        Services.AddSingleton<INotificationApiClient>(_api);
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    [Fact]
    public void Scheduled_notifications_come_first_soonest_first_with_their_time()
    {
        var sent = FakeNotificationApi.Notification("completed", Now);
        var tomorrow = FakeNotificationApi.Notification("scheduled", Now.AddMinutes(-5), sendAt: Now.AddDays(1));
        var morning = FakeNotificationApi.Notification("scheduled", Now.AddMinutes(-10), sendAt: Now.AddHours(2), localTime: "09:00");
        var local = FakeNotificationApi.Notification("scheduled", Now.AddMinutes(-20), localTime: "21:30");
        _api.Listed.AddRange([sent, tomorrow, morning, local]);

        var page = Render<Notifications>();

        var rows = page.FindAll("table.notifications tbody tr");
        Assert.Equal([local.Id, morning.Id, tomorrow.Id, sent.Id], rows.Select(row => Guid.Parse(row.QuerySelector("a")!.TextContent)));
        Assert.Equal(["21:30 local", "09:00 local, from 2026-12-02 17:00 UTC", "2026-12-03 15:00 UTC", "2026-12-02 15:00 UTC"],
            rows.Select(row => row.QuerySelector(".when")!.TextContent.Trim()));
    }

    [Fact]
    public void A_scheduled_notification_older_than_the_first_page_is_still_listed_first()
    {
        var newer = Enumerable.Range(1, 25).Select(minutes => FakeNotificationApi.Notification("completed", Now.AddMinutes(-minutes))).ToList();
        var nextWeek = FakeNotificationApi.Notification("scheduled", Now.AddDays(-20), sendAt: Now.AddDays(7));
        _api.Listed.AddRange([.. newer, nextWeek]);

        var page = Render<Notifications>();

        var rows = page.FindAll("table.notifications tbody tr");
        Assert.Equal(21, rows.Count);
        Assert.Equal(nextWeek.Id, Guid.Parse(rows[0].QuerySelector("a")!.TextContent));
        Assert.Equal("scheduled", rows[0].QuerySelector(".badge")!.TextContent.Trim());
    }

    [Fact]
    public void Only_a_notification_in_progress_has_a_cancel_button_and_cancelling_shows_it_canceled()
    {
        var scheduled = FakeNotificationApi.Notification("scheduled", Now, sendAt: Now.AddDays(1));
        var sending = FakeNotificationApi.Notification("sending", Now.AddMinutes(-1));
        _api.Listed.AddRange([scheduled, sending, FakeNotificationApi.Notification("completed", Now.AddMinutes(-2)),
            FakeNotificationApi.Notification("failed", Now.AddMinutes(-3)), FakeNotificationApi.Notification("canceled", Now.AddMinutes(-4))]);
        var page = Render<Notifications>();

        Assert.Equal(2, page.FindAll("table.notifications .actions fluent-button").Count);
        page.Find("table.notifications tbody tr .actions fluent-button").Click();

        Assert.Equal([scheduled.Id], _api.Canceled);
        var row = page.FindAll("table.notifications tbody tr").Single(row => row.TextContent.Contains(scheduled.Id.ToString()));
        Assert.Equal("canceled", row.QuerySelector(".badge")!.TextContent.Trim());
        Assert.Null(row.QuerySelector(".actions fluent-button"));
    }

    [Fact]
    public void A_canceled_notification_leaves_the_top_for_its_newest_first_place()
    {
        var newer = FakeNotificationApi.Notification("completed", Now.AddMinutes(-1));
        var scheduled = FakeNotificationApi.Notification("scheduled", Now.AddMinutes(-2), sendAt: Now.AddDays(1));
        var older = FakeNotificationApi.Notification("completed", Now.AddMinutes(-3));
        _api.Listed.AddRange([newer, scheduled, older]);
        var page = Render<Notifications>();
        Assert.Equal([scheduled.Id, newer.Id, older.Id], ListedIds(page));

        page.Find("table.notifications tbody tr .actions fluent-button").Click();

        Assert.Equal([newer.Id, scheduled.Id, older.Id], ListedIds(page));
    }

    // Before, the first page pinned the scheduled notification and the page it was created on listed it first again.
    [Fact]
    public void A_scheduled_notification_pinned_on_the_first_page_is_not_listed_again_on_a_later_one()
    {
        var newest = FakeNotificationApi.Notification("completed", Now);
        var older = FakeNotificationApi.Notification("completed", Now.AddDays(-2));
        var scheduled = FakeNotificationApi.Notification("scheduled", Now.AddDays(-1), sendAt: Now.AddDays(7));
        _api.Listed.Add(scheduled);
        _api.History = after => after is null ? new Page<Notification>([newest], "cursor-1") : new Page<Notification>([scheduled, older], null);
        var page = Render<Notifications>();
        Assert.Equal([scheduled.Id, newest.Id], ListedIds(page));

        page.FindAll(".pager fluent-button")[1].Click();

        Assert.Equal([older.Id], ListedIds(page));
    }

    [Fact]
    public void After_a_page_that_failed_to_load_Newer_goes_to_the_page_before_the_one_shown()
    {
        var (first, second) = (FakeNotificationApi.Notification("completed", DateTime.UtcNow), FakeNotificationApi.Notification("completed", DateTime.UtcNow.AddHours(-1)));
        _api.History = after => after switch
        {
            null => new Page<Notification>([first], "cursor-1"),
            "cursor-1" => new Page<Notification>([second], "cursor-2"),
            _ => throw new HttpRequestException("NotificationApi is down"),
        };
        var page = Render<Notifications>();

        page.FindAll(".pager fluent-button")[1].Click();
        page.FindAll(".pager fluent-button")[1].Click();
        Assert.Contains("Could not load the history", page.Markup);
        page.FindAll(".pager fluent-button")[0].Click();

        Assert.Equal([null, "cursor-1", "cursor-2", null], _api.HistoryCalls);
        Assert.Contains(first.Id.ToString(), page.Markup);
    }

    [Fact]
    public async Task A_second_click_on_Cancel_while_the_first_is_in_flight_cancels_once()
    {
        var scheduled = FakeNotificationApi.Notification("scheduled", Now, sendAt: Now.AddDays(1));
        _api.Listed.Add(scheduled);
        var answer = new TaskCompletionSource();
        _api.Answering = answer.Task;
        var page = Render<Notifications>();
        var cancel = page.FindComponents<FluentButton>().Single(button => button.Instance.Title?.StartsWith("Cancel", StringComparison.Ordinal) == true);

        await ClickTwiceAsync(page, cancel);
        answer.SetResult();

        page.WaitForAssertion(() => Assert.Equal("canceled", page.Find("table.notifications tbody tr .badge").TextContent.Trim()));
        Assert.Equal([scheduled.Id], _api.Canceled);
    }

    [Fact]
    public void The_notification_page_shows_its_canceled_count_and_timing()
    {
        var notification = FakeNotificationApi.Notification("canceled", Now, sendAt: Now.AddDays(1)) with { Counts = new NotificationCounts(5, 2, 0, 0, 0, 3) };
        _api.Listed.Add(notification);

        var page = Render<NotificationDetails>(parameters => parameters.Add(p => p.Id, notification.Id));

        Assert.Equal("3", page.Find("#count-canceled").TextContent);
        Assert.Equal("2026-12-03 15:00 UTC", page.Find(".facts .when").TextContent);
    }

    [Fact]
    public void A_notification_page_opened_while_NotificationApi_is_down_shows_it_once_it_answers()
    {
        var notification = FakeNotificationApi.Notification("completed", Now);
        _api.Listed.Add(notification);
        _api.GetFailures = 1;

        var page = Render<NotificationDetails>(parameters => parameters.Add(p => p.Id, notification.Id));
        Assert.Contains("Could not load the notification", page.Markup);

        page.WaitForAssertion(() => Assert.Equal("completed", page.Find(".facts .badge").TextContent.Trim()));
        Assert.DoesNotContain("Could not load the notification", page.Markup);
    }

    private static Guid[] ListedIds(IRenderedComponent<Notifications> page) =>
        [.. page.FindAll("table.notifications tbody tr").Select(row => Guid.Parse(row.QuerySelector("a")!.TextContent))];
}
