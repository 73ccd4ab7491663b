using System.Net.Http.Json;
using Microsoft.Playwright;

namespace Pushboard.Web.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class OverviewTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task After_a_broadcast_the_overview_charts_its_deliveries()
    {
        await RegisterDeviceAsync();
        await RegisterDeviceAsync();
        var id = await BroadcastAsync();
        await WaitUntilCompletedAsync(id);
        await SignInAsync();

        foreach (var chart in new[] { "deliveries-1h", "deliveries-24h" })
        {
            var figure = Page.Locator($"[data-chart='{chart}']");
            await Assertions.Expect(figure).ToHaveAttributeAsync("data-empty", "false");
            await Assertions.Expect(figure.Locator("rect.series-sent").First).ToBeVisibleAsync();
            await Assertions.Expect(figure.Locator("svg title").First).ToContainTextAsync("Deliveries per minute");
        }

        await Assertions.Expect(Page.Locator("[data-panel='deliveries-1h'] .failure-rate")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+\.\d %$"));
        await Assertions.Expect(Page.Locator("[data-breakdown='platform'] li[data-key='ios']")).ToBeVisibleAsync();
        await Assertions.Expect(Page.Locator("[data-chart='devices-30d']")).ToHaveAttributeAsync("data-empty", "false");
        await Assertions.Expect(Page.Locator(".health-strip a[href='/status']")).ToHaveCountAsync(6);
        await Assertions.Expect(Page.Locator(".health-strip .healthy")).ToHaveCountAsync(6);
        await Screenshot("overview-1280");

        var (phone, phonePage) = await OpenAsync(390, 844);
        await using (phone)
        {
            await SignInAsync(phonePage);
            await Assertions.Expect(phonePage.Locator("[data-chart='deliveries-1h']")).ToHaveAttributeAsync("data-empty", "false");
            await Screenshot(phonePage, "overview-390");
        }
    }

    [Fact]
    public async Task A_running_broadcasts_progress_bar_moves_without_a_reload()
    {
        // Enough devices for several rounds of concurrent sends, each held up by the emulator.
        await Parallel.ForAsync(0, 300, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, _) => await RegisterDeviceAsync());
        await SignInAsync();
        using var emulator = Fixture.CreateClient("fcm-emulator");
        (await emulator.PutAsJsonAsync("/emulator/faults", new { latencyMs = 3000 })).EnsureSuccessStatusCode();
        try
        {
            // A mark on this document: a reload (or a navigation that loads the page again) leaves a new one without it.
            await Page.EvaluateAsync("() => { window.__same = true; }");
            var id = await BroadcastAsync();
            var progress = Page.Locator($"[data-notification='{id}'] fluent-progress");
            await Assertions.Expect(progress).ToBeVisibleAsync();
            var first = await progress.GetAttributeAsync("value");
            await Assertions.Expect(progress).Not.ToHaveAttributeAsync("value", first!);
            await Screenshot("overview-progress");
            Assert.True(long.Parse((await progress.GetAttributeAsync("value"))!) > long.Parse(first!));
            Assert.Equal("/", new Uri(Page.Url).AbsolutePath);
            Assert.True(await Page.EvaluateAsync<bool>("() => window.__same === true"), "the overview was loaded again");
        }
        finally
        {
            await emulator.DeleteAsync("/emulator/faults");
        }
    }

    private Task<Guid> BroadcastAsync() => SendAsync(new { all = true }, "Broadcast from a browser test");

    private async Task WaitUntilCompletedAsync(Guid id)
    {
        using var notifications = Fixture.CreateAdminClient("notificationapi");
        using var timeout = new CancellationTokenSource(Patience);
        while ((await notifications.GetFromJsonAsync<SentNotification>($"/api/notifications/{id}", timeout.Token))!.Status != "completed")
        {
            await Task.Delay(200, timeout.Token);
        }
    }
}
