using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Pushboard.Web.BrowserTests;

// Every page fits a 1280×720 window and a 390-px phone without scrolling sideways; a screenshot of each at each width.
[Collection(BrowserCollection.Name)]
public sealed class LayoutTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Theory]
    [InlineData(1280, 720)]
    [InlineData(390, 844)]
    public async Task No_page_is_wider_than_the_window(int width, int height)
    {
        var (deviceId, _, _) = await RegisterDeviceAsync();
        var notificationId = await SendAsync(new { deviceIds = new[] { deviceId } }, "Layout");
        var (context, page) = await OpenAsync(width, height);
        await using (context)
        {
            await page.GotoAsync("/login");
            await AssertFitsAsync(page, "login", "fluent-card", width);
            await SignInAsync(page);
            (string Name, string Path, string Ready)[] pages =
            [
                ("overview", "/", ".health-strip"),
                ("devices", "/devices", "table.devices"),
                ("device", $"/devices/{deviceId}", ".facts"),
                ("notifications", "/notifications", "table.notifications"),
                ("notification", $"/notifications/{notificationId}", "table.deliveries"),
                ("health", "/status", ".part"),
            ];
            foreach (var (name, path, ready) in pages)
            {
                await page.GotoAsync(path);
                await AssertFitsAsync(page, name, ready, width);
            }
        }
    }

    [Fact]
    public async Task The_device_and_notification_tables_show_their_key_columns_in_a_1280_px_window()
    {
        var (deviceId, _, _) = await RegisterDeviceAsync();
        await SendAsync(new { deviceIds = new[] { deviceId } }, "Columns");
        await SignInAsync();
        foreach (var (path, columns) in new[] { ("/devices", new[] { "Device", "Status", "Last seen" }), ("/notifications", new[] { "Notification", "Status", "When" }) })
        {
            await Page.GotoAsync(path);
            var wrap = Page.Locator(".grid-wrap");
            await Assertions.Expect(wrap.Locator("tbody tr").First).ToBeVisibleAsync();
            var right = await Page.EvaluateAsync<double>("() => window.innerWidth");
            foreach (var column in columns)
            {
                var end = await wrap.EvaluateAsync<double>("(e, name) => [...e.querySelectorAll('th')].find(th => th.textContent.trim() === name).getBoundingClientRect().right", column);
                Assert.True(end <= right, $"{path}: the {column} column ends at {end}, outside the {right}-px window");
            }

            var (scrollWidth, clientWidth) = (await wrap.EvaluateAsync<double>("e => e.scrollWidth"), await wrap.EvaluateAsync<double>("e => e.clientWidth"));
            Assert.True(scrollWidth <= clientWidth, $"{path}: the table scrolls sideways at 1280 px ({scrollWidth} px in {clientWidth})");
        }
    }

    // Seen in CI: a page whose stylesheet had not arrived yet showed "The console lost this page to an error" next to its
    // own message, because only app.css hid the error bar.
    [Fact]
    public async Task A_page_whose_stylesheet_is_slow_shows_no_error_while_it_waits()
    {
        var stylesheetHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await Page.RouteAsync(new Regex(@"/app\.[^/]*css$"), async route =>
        {
            stylesheetHeld.TrySetResult();
            await release.Task;
            await route.ContinueAsync();
        });

        try
        {
            await Page.GotoAsync("/login", new() { WaitUntil = WaitUntilState.Commit });
            await stylesheetHeld.Task.WaitAsync(Patience);
            await Page.Locator("#blazor-error-ui").WaitForAsync(new() { State = WaitForSelectorState.Attached });

            Assert.False(await Page.Locator("#blazor-error-ui").IsVisibleAsync(), "the error bar shows while the stylesheet loads");
        }
        finally
        {
            release.TrySetResult();
        }
    }
}
