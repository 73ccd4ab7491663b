using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Pushboard.Web.BrowserTests;

// One browser context per test (1280×720 unless a test opens another), with the steps every console test takes.
public abstract partial class BrowserTest(BrowserFixture fixture) : IAsyncLifetime
{
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    protected BrowserFixture Fixture { get; } = fixture;

    protected IBrowserContext Context { get; private set; } = null!;

    protected IPage Page { get; private set; } = null!;

    protected Uri Web => Fixture.EndpointOf("web");

    public async Task InitializeAsync()
    {
        await Fixture.StartBrowserAsync();
        (Context, Page) = await OpenAsync(1280, 720);
        Assertions.SetDefaultExpectTimeout((float)Patience.TotalMilliseconds);
    }

    protected async Task<(IBrowserContext Context, IPage Page)> OpenAsync(int width, int height)
    {
        var context = await Fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Web.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout((float)Patience.TotalMilliseconds);
        return (context, page);
    }

    protected async Task<(string DeviceId, string Token, string User)> RegisterDeviceAsync()
    {
        var deviceId = $"browser-{Guid.NewGuid():N}";
        var token = $"token-{Guid.NewGuid():N}";
        var user = $"user-{Guid.NewGuid():N}";
        using var devices = Fixture.CreateAppClient("deviceapi");
        (await devices.PutAsJsonAsync($"/api/devices/{deviceId}", new { fcmToken = token, platform = "ios", userId = user, userIdHash = Fixture.Vouch(user) })).EnsureSuccessStatusCode();
        return (deviceId, token, user);
    }

    // A notification sent through NotificationApi with the admin key; its id.
    protected async Task<Guid> SendAsync(object target, string title)
    {
        using var notifications = Fixture.CreateAdminClient("notificationapi");
        var response = await notifications.PostAsJsonAsync("/api/notifications", new { target, notification = new { title } });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<SentNotification>())!.Id;
    }

    protected sealed record SentNotification(Guid Id, string Status);

    protected Task SignInAsync() => SignInAsync(Page);

    protected async Task SignInAsync(IPage page)
    {
        await page.GotoAsync("/login");
        await page.FillAsync("#key input", Fixture.AdminApiKey);
        await Button(page, "Sign in").ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Overview");
    }

    protected ILocator Button(string name) => Button(Page, name);

    protected static ILocator Button(IPage page, string name) => page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    // Opens a fluent-select and chooses an option once the page is interactive (its selects are disabled until then). A
    // list opened while the component renders again closes, and a click on an option of a closing list falls on the page,
    // so the list is opened again until the select holds the option (seen in CI: once the option stayed hidden for 30 s,
    // once the click was taken and the page stayed on its first option).
    protected async Task ChooseAsync(string select, string value)
    {
        await Page.Locator($"{select}:not([disabled])").WaitForAsync();
        var option = Page.Locator($"{select} fluent-option[value='{value}']");
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            await Page.Locator(select).ClickAsync();
            try
            {
                await option.ClickAsync(new() { Timeout = 2000 });
                await Assertions.Expect(Page.Locator(select)).ToHaveJSPropertyAsync("value", value, new() { Timeout = 2000 });
                return;
            }
            catch (Exception e) when ((e is TimeoutException or PlaywrightException) && DateTime.UtcNow < deadline)
            {
            }
        }
    }

    protected Task Screenshot(string name) => Screenshot(Page, name);

    protected Task Screenshot(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Fixture.ScreenshotDirectory, name + ".png"), FullPage = true });

    // The page is no wider than the window (no sideways scrolling), with a screenshot named after it and the width.
    protected async Task AssertFitsAsync(IPage page, string name, string ready, int width)
    {
        await Assertions.Expect(page.Locator(ready).First).ToBeVisibleAsync();
        var (scrollWidth, innerWidth) = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]") switch { var w => (w[0], w[1]) };
        await Screenshot(page, $"{name}-{width}");
        Assert.True(scrollWidth <= innerWidth, $"{name} at {width} px: the page is {scrollWidth} px wide in a {innerWidth} px window");
    }

    [GeneratedRegex("/notifications/[0-9a-f-]{36}$")]
    protected static partial Regex NotificationPage();

    public async Task DisposeAsync() => await Context.DisposeAsync();
}
