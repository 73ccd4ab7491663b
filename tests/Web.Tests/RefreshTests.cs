using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Pushboard.Web.Components.Pages;
using Pushboard.Web.Services;

namespace Pushboard.Web.Tests;

// The pages that refresh while a notification is in progress (the list, every History:RefreshInterval; a notification's
// page, every second) on a fake clock; the deliveries of a notification's page, paged.
public sealed class RefreshTests : ConsoleContext
{
    private static readonly DateTime Now = new(2026, 12, 2, 15, 0, 0, DateTimeKind.Utc);

    private readonly FakeNotificationApi _api = new();
    private readonly FakeTimeProvider _time = new(Now);

    public RefreshTests()
    {
        Services.AddSingleton<INotificationApiClient>(_api);
        Services.AddSingleton<TimeProvider>(_time);
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    // Before, the refresh's answer for the first page, come after Next's, put the first page back under the pager's
    // second.
    [Fact]
    public void A_refresh_answered_after_Next_does_not_put_the_page_before_back()
    {
        var notification = FakeNotificationApi.Notification("sending", Now);
        _api.Listed.Add(notification);
        var refreshed = new TaskCompletionSource<Page<Delivery>>();
        var firstPageLoads = 0;
        _api.Deliveries = (_, after) => after is null
            ? ++firstPageLoads == 1 ? Task.FromResult(FirstPage(notification)) : refreshed.Task
            : Task.FromResult(new Page<Delivery>([Delivery(notification, "d-second")], null));
        var page = Render<NotificationDetails>(parameters => parameters.Add(p => p.Id, notification.Id));

        _time.Advance(TimeSpan.FromSeconds(1));
        page.WaitForAssertion(() => Assert.Equal(2, firstPageLoads));
        page.FindAll(".pager fluent-button")[1].Click();
        Assert.Equal(["d-second"], DeviceIds(page));
        var renders = page.RenderCount;
        refreshed.SetResult(FirstPage(notification));

        page.WaitForAssertion(() => Assert.True(page.RenderCount > renders));
        Assert.Equal(["d-second"], DeviceIds(page));
    }

    // Before, the list was loaded once: a notification stayed "sending" with the counts of the moment it was opened.
    [Fact]
    public void A_notification_in_progress_shows_its_new_status_and_counts_after_the_refresh_interval()
    {
        var sending = FakeNotificationApi.Notification("sending", Now) with { Counts = new NotificationCounts(10, 2, 0, 0, 8, 0) };
        _api.Listed.Add(sending);
        var page = Render<Notifications>();
        Assert.Equal("As of 15:00:00 UTC; refreshes every 3 seconds while a notification on it may change.", page.Find(".as-of").TextContent);

        _api.Listed[0] = sending with { Status = "completed", Counts = new NotificationCounts(10, 9, 1, 0, 0, 0) };
        _time.Advance(TimeSpan.FromSeconds(3));

        page.WaitForAssertion(() => Assert.Equal("completed", page.Find("table.notifications tbody tr .badge").TextContent.Trim()));
        Assert.Equal(["10", "9", "1"], page.FindAll("table.notifications tbody tr td").Skip(3).Take(3).Select(cell => cell.TextContent.Trim()));
        Assert.Equal("As of 15:00:03 UTC; refreshes every 3 seconds while a notification on it may change.", page.Find(".as-of").TextContent);
    }

    // Before, a notification scheduled for next month kept every open list asking NotificationApi every 3 s until then.
    [Fact]
    public async Task A_list_whose_only_notification_in_progress_is_scheduled_later_is_not_asked_again_until_its_time()
    {
        _api.Listed.Add(FakeNotificationApi.Notification("scheduled", Now, sendAt: Now.AddMinutes(1)));
        var page = Render<Notifications>();
        var first = _api.HistoryCalls.Count;

        _time.Advance(TimeSpan.FromSeconds(30));
        // The ticks' refreshes run on the renderer's dispatcher: this runs after them.
        await page.InvokeAsync(() => { });
        Assert.Equal(first, _api.HistoryCalls.Count);

        _time.Advance(TimeSpan.FromSeconds(33));
        page.WaitForAssertion(() => Assert.True(_api.HistoryCalls.Count > first));
    }

    // A localTime notification without sendAt stays scheduled while its zones' moments come.
    [Fact]
    public void A_list_with_a_local_time_notification_without_send_at_is_asked_again()
    {
        _api.Listed.Add(FakeNotificationApi.Notification("scheduled", Now, localTime: "09:00"));
        var page = Render<Notifications>();
        var first = _api.HistoryCalls.Count;

        _time.Advance(TimeSpan.FromSeconds(3));

        page.WaitForAssertion(() => Assert.True(_api.HistoryCalls.Count > first));
    }

    [Fact]
    public void A_page_with_no_deliveries_left_still_has_Previous()
    {
        var notification = FakeNotificationApi.Notification("completed", Now);
        _api.Listed.Add(notification);
        _api.Deliveries = (_, after) => Task.FromResult(after is null ? FirstPage(notification) : new Page<Delivery>([], null));
        var page = Render<NotificationDetails>(parameters => parameters.Add(p => p.Id, notification.Id));

        page.FindAll(".pager fluent-button")[1].Click();
        Assert.Contains("No deliveries.", page.Markup);
        page.Find(".pager fluent-button").Click();

        Assert.Equal(["d-first"], DeviceIds(page));
    }

    private static Page<Delivery> FirstPage(Notification notification) => new([Delivery(notification, "d-first")], "cursor-1");

    private static Delivery Delivery(Notification notification, string deviceId) =>
        new(notification.Id, deviceId, null, "pending", null, null, 0, Now);

    private static string[] DeviceIds(IRenderedComponent<NotificationDetails> page) =>
        [.. page.FindAll("table.deliveries tbody tr a").Select(link => link.TextContent)];
}
