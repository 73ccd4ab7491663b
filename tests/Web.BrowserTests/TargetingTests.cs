using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Playwright;

namespace Pushboard.Web.BrowserTests;

// Issue 17 in the console: a segment built with its live estimate and sent; a send-at notification listed first and
// cancelled.
[Collection(BrowserCollection.Name)]
public sealed class TargetingTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task A_send_at_notification_is_listed_first_as_scheduled_and_can_be_cancelled()
    {
        var (deviceId, _, _) = await RegisterDeviceAsync();
        var sendAt = DateTime.UtcNow.Date.AddDays(2).AddHours(10).AddMinutes(30);
        await SignInAsync();
        await Page.GotoAsync("/notifications");

        await Page.FillAsync("#target input", deviceId);
        await Page.FillAsync("#title input", "Later from the console");
        await Page.Locator("fluent-radio", new() { HasText = "Send at (UTC)" }).ClickAsync();
        await Page.FillAsync("#send-at-date input", sendAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await Page.PressAsync("#send-at-date input", "Tab");
        await Page.FillAsync("#send-at-time input", "10:30");
        await Page.PressAsync("#send-at-time input", "Tab");
        await Screenshot("compose-send-at");
        await Button("Send").ClickAsync();

        await Page.WaitForURLAsync(NotificationPage());
        var id = new Uri(Page.Url).Segments[^1];
        var when = sendAt.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        await Assertions.Expect(Page.Locator(".facts .badge")).ToHaveTextAsync("scheduled");
        await Assertions.Expect(Page.Locator(".facts .when")).ToHaveTextAsync(when);

        await SendAsync(new { deviceIds = new[] { deviceId } }, "Sent after the scheduled one");
        await Page.GotoAsync("/notifications");
        var first = Page.Locator("table.notifications tbody tr").First;
        await Assertions.Expect(first).ToContainTextAsync(id);
        await Assertions.Expect(first.Locator(".badge")).ToHaveTextAsync("scheduled");
        await Assertions.Expect(first.Locator(".when")).ToHaveTextAsync(when);
        await Screenshot("notifications-scheduled");

        // Once canceled it is no longer scheduled, so it leaves the top: find its row by id.
        await first.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        var row = Page.Locator("table.notifications tbody tr", new() { HasText = id });
        await Assertions.Expect(row.Locator(".badge")).ToHaveTextAsync("canceled");
        await Assertions.Expect(row.GetByRole(AriaRole.Button, new() { Name = "Cancel" })).ToHaveCountAsync(0);
        using var notifications = Fixture.CreateAdminClient("notificationapi");
        Assert.Equal("canceled", (await notifications.GetFromJsonAsync<SentNotification>($"/api/notifications/{id}"))!.Status);
    }

    [Fact]
    public async Task A_segment_built_in_the_form_shows_its_live_estimate_and_is_sent_to_that_audience()
    {
        var run = Guid.NewGuid().ToString("N")[..12];
        using (var devices = Fixture.CreateAppClient("deviceapi"))
        {
            foreach (var platform in new[] { "ios", "ios", "android" })
            {
                (await devices.PutAsJsonAsync($"/api/devices/browser-{Guid.NewGuid():N}",
                    new { fcmToken = $"token-{Guid.NewGuid():N}", platform, tags = new { run } })).EnsureSuccessStatusCode();
            }
        }

        await SignInAsync();
        await Page.GotoAsync("/notifications");
        await ChooseAsync("fluent-select#target-kind", "segment");
        var estimate = Page.Locator(".estimate");
        await Assertions.Expect(estimate).ToContainTextAsync("Add a condition");

        await Button("Add tag").ClickAsync();
        await Page.FillAsync("fluent-text-field[placeholder='key'] input", "run");
        await Page.FillAsync("fluent-text-field[placeholder='value'] input", run);
        await Assertions.Expect(estimate).ToHaveAttributeAsync("data-count", "3", new() { Timeout = (float)Patience.TotalMilliseconds });
        await Assertions.Expect(estimate).ToContainTextAsync("≈ 3 devices");

        await Page.Locator("fluent-checkbox", new() { HasText = "ios" }).ClickAsync();
        await Assertions.Expect(estimate).ToHaveAttributeAsync("data-count", "2", new() { Timeout = (float)Patience.TotalMilliseconds });
        await Screenshot("compose-segment");

        await Page.FillAsync("#title input", "To the segment");
        await Button("Send").ClickAsync();
        await Page.WaitForURLAsync(NotificationPage());
        var id = new Uri(Page.Url).Segments[^1];
        using var notifications = Fixture.CreateAdminClient("notificationapi");
        var targeted = 0;
        for (var deadline = DateTime.UtcNow + Patience; targeted != 2 && DateTime.UtcNow < deadline; await Task.Delay(200))
        {
            targeted = (await notifications.GetFromJsonAsync<SegmentNotification>($"/api/notifications/{id}"))!.Counts.Targeted;
        }

        Assert.Equal(2, targeted);
    }

    private sealed record SegmentNotification(SegmentCounts Counts);

    private sealed record SegmentCounts(int Targeted);
}
