using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Pushboard.Contracts;

namespace Pushboard.Web.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed partial class ConsoleTests(BrowserFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private IBrowserContext _context = null!;
    private IPage _page = null!;

    private Uri Web => fixture.EndpointOf("web");

    public async Task InitializeAsync()
    {
        await fixture.StartBrowserAsync();
        _context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Web.ToString() });
        _page = await _context.NewPageAsync();
        _page.SetDefaultTimeout((float)Patience.TotalMilliseconds);
        Assertions.SetDefaultExpectTimeout((float)Patience.TotalMilliseconds);
    }

    [Fact]
    public async Task A_wrong_key_is_refused()
    {
        await _page.GotoAsync("/login");
        await _page.FillAsync("#key", "not-the-admin-key");
        await _page.ClickAsync("button[type=submit]");

        await Assertions.Expect(_page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not the admin key");
        await Screenshot("login-refused");
        await _page.GotoAsync("/devices");
        Assert.EndsWith("/login", new Uri(_page.Url).AbsolutePath);
    }

    [Fact]
    public async Task A_registered_device_is_listed_and_shown_with_its_token_masked()
    {
        var (deviceId, token, user) = await RegisterDeviceAsync();
        await SignInAsync();

        await _page.GetByLabel("User id").FillAsync(user);
        await _page.ClickAsync("button:has-text('Filter')");
        await Assertions.Expect(_page.Locator("table")).ToContainTextAsync(deviceId);
        await Screenshot("devices");

        await _page.ClickAsync($"a:has-text('{deviceId}')");
        await Assertions.Expect(_page.Locator("h1")).ToHaveTextAsync(deviceId);
        await Assertions.Expect(_page.Locator("code.token")).Not.ToContainTextAsync(token);
        await Assertions.Expect(_page.Locator("code.token")).ToContainTextAsync(token[^6..]);
        await Screenshot("device");
    }

    [Fact]
    public async Task An_operator_issues_a_new_device_secret_and_the_old_one_stops_working()
    {
        var (deviceId, _, _) = await RegisterDeviceAsync();
        await SignInAsync();
        await _page.GotoAsync($"/devices/{deviceId}");
        await Assertions.Expect(_page.Locator(".device-secret span")).ToHaveTextAsync("set");

        await _page.ClickAsync("button:has-text('Issue a new secret')");
        var secret = _page.Locator(".issued-secret .secret-value");
        await Assertions.Expect(secret).ToHaveTextAsync(new Regex("^[A-Za-z0-9_-]{43}$"));
        await Screenshot("device-secret");

        using var oldSecret = fixture.CreateAppClient("deviceapi");
        var refused = await oldSecret.PatchAsJsonAsync($"/api/devices/{deviceId}/token", new { fcmToken = $"token-{Guid.NewGuid():N}" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var newSecret = fixture.CreateClient("deviceapi", fixture.AppApiKey);
        newSecret.DefaultRequestHeaders.Add(ApiHeaders.DeviceSecret, await secret.TextContentAsync());
        var refreshed = await newSecret.PatchAsJsonAsync($"/api/devices/{deviceId}/token", new { fcmToken = $"token-{Guid.NewGuid():N}" });
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
    }

    [Fact]
    public async Task A_notification_composed_in_the_console_reaches_completed()
    {
        var (deviceId, _, _) = await RegisterDeviceAsync();
        await SignInAsync();
        await _page.GotoAsync("/notifications");

        await _page.FillAsync("#target", deviceId);
        await _page.FillAsync("#title", "Hello from the console");
        await _page.FillAsync("#body", "Sent by a browser test");
        await Screenshot("compose");
        await _page.ClickAsync("button:has-text('Send')");

        await _page.WaitForURLAsync(NotificationPage());
        await Assertions.Expect(_page.Locator(".facts .badge")).ToHaveTextAsync("completed");
        await Assertions.Expect(_page.Locator("#count-sent")).ToHaveTextAsync("1");
        await Assertions.Expect(_page.Locator("table")).ToContainTextAsync(deviceId);
        await Screenshot("notification");
    }

    [Fact]
    public async Task Compose_shows_the_validation_message_of_a_bad_field()
    {
        await SignInAsync();
        await _page.GotoAsync("/notifications");

        await _page.FillAsync("#target", "has space!");
        await _page.FillAsync("#title", "x");
        await _page.ClickAsync("button:has-text('Send')");

        await Assertions.Expect(_page.Locator(".field-error[data-field='target.deviceIds']")).ToContainTextAsync("ASCII letters");
    }

    [Fact]
    public async Task The_health_page_shows_every_part_healthy()
    {
        await SignInAsync();
        await _page.GotoAsync("/status");

        await Assertions.Expect(_page.Locator(".summary")).ToHaveTextAsync(new Regex("All parts healthy"));
        await Assertions.Expect(_page.Locator(".part.healthy")).ToHaveCountAsync(6);
        await Screenshot("health");
    }

    private async Task<(string DeviceId, string Token, string User)> RegisterDeviceAsync()
    {
        var deviceId = $"browser-{Guid.NewGuid():N}";
        var token = $"token-{Guid.NewGuid():N}";
        var user = $"user-{Guid.NewGuid():N}";
        using var devices = fixture.CreateAppClient("deviceapi");
        (await devices.PutAsJsonAsync($"/api/devices/{deviceId}", new { fcmToken = token, platform = "ios", userId = user, userIdHash = fixture.Vouch(user) })).EnsureSuccessStatusCode();
        return (deviceId, token, user);
    }

    private async Task SignInAsync()
    {
        await _page.GotoAsync("/login");
        await _page.FillAsync("#key", fixture.AdminApiKey);
        await _page.ClickAsync("button[type=submit]");
        await _page.WaitForURLAsync("**/devices");
    }

    private Task Screenshot(string name) =>
        _page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(fixture.ScreenshotDirectory, name + ".png"), FullPage = true });

    [GeneratedRegex("/notifications/[0-9a-f-]{36}$")]
    private static partial Regex NotificationPage();

    public async Task DisposeAsync() => await _context.DisposeAsync();
}
