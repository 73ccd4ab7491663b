using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Pushboard.Web.Components.Pages;
using Pushboard.Web.Services;

namespace Pushboard.Web.Tests;

// The deliveries of a notification's page: paged, and refreshed every second while the notification is in progress.
public sealed class NotificationDetailsPageTests : ConsoleContext
{
    private static readonly DateTime Now = new(2026, 12, 2, 15, 0, 0, DateTimeKind.Utc);

    private readonly FakeNotificationApi _api = new();
    private readonly FakeTimeProvider _time = new(Now);

    public NotificationDetailsPageTests()
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
