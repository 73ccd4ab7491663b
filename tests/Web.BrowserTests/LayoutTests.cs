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
}
