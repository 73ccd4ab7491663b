using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Pushboard.Contracts;

namespace Pushboard.Web.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class ConsoleTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task A_wrong_key_is_refused()
    {
        await Page.GotoAsync("/login");
        await Page.FillAsync("#key input", "not-the-admin-key");
        await Button("Sign in").ClickAsync();

        await Assertions.Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not the admin key");
        await Screenshot("login-refused");
        await Page.GotoAsync("/devices");
        Assert.EndsWith("/login", new Uri(Page.Url).AbsolutePath);
    }

    [Fact]
    public async Task A_registered_device_is_listed_and_shown_with_its_token_masked()
    {
        var (deviceId, token, user) = await RegisterDeviceAsync();
        await SignInAsync();

        await Page.GotoAsync("/devices");
        await Page.FillAsync("fluent-text-field[aria-label='User id'] input", user);
        await Button("Filter").ClickAsync();
        await Assertions.Expect(Page.Locator("table")).ToContainTextAsync(deviceId);
        await Screenshot("devices");

        await Page.ClickAsync($"a:has-text('{deviceId}')");
        await Assertions.Expect(Page.Locator("h1")).ToHaveTextAsync(deviceId);
        await Assertions.Expect(Page.Locator("code.token")).Not.ToContainTextAsync(token);
        await Assertions.Expect(Page.Locator("code.token")).ToContainTextAsync(token[^6..]);
        await Screenshot("device");
    }

    [Fact]
    public async Task An_operator_issues_a_new_device_secret_and_the_old_one_stops_working()
    {
        var (deviceId, _, _) = await RegisterDeviceAsync();
        await SignInAsync();
        await Page.GotoAsync($"/devices/{deviceId}");
        await Assertions.Expect(Page.Locator(".device-secret .secret-state")).ToHaveTextAsync("set");

        await Button("Issue a new secret…").ClickAsync();
        await Button("Issue").ClickAsync();
        var secret = Page.Locator(".issued-secret .secret-value");
        await Assertions.Expect(secret).ToHaveTextAsync(new Regex("^[A-Za-z0-9_-]{43}$"));
        await Screenshot("device-secret");

        using var oldSecret = Fixture.CreateAppClient("deviceapi");
        var refused = await oldSecret.PatchAsJsonAsync($"/api/devices/{deviceId}/token", new { fcmToken = $"token-{Guid.NewGuid():N}" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var newSecret = Fixture.CreateClient("deviceapi", Fixture.AppApiKey);
        newSecret.DefaultRequestHeaders.Add(ApiHeaders.DeviceSecret, await secret.TextContentAsync());
        var refreshed = await newSecret.PatchAsJsonAsync($"/api/devices/{deviceId}/token", new { fcmToken = $"token-{Guid.NewGuid():N}" });
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
    }

    [Fact]
    public async Task A_notification_composed_in_the_console_reaches_completed()
    {
        var (deviceId, _, _) = await RegisterDeviceAsync();
        await SignInAsync();
        await Page.GotoAsync("/notifications");

        await Page.FillAsync("#target input", deviceId);
        await Page.FillAsync("#title input", "Hello from the console");
        await Page.FillAsync("#body textarea", "Sent by a browser test");
        await Screenshot("compose");
        await Button("Send").ClickAsync();

        await Page.WaitForURLAsync(NotificationPage());
        await Assertions.Expect(Page.Locator(".facts .badge")).ToHaveTextAsync("completed");
        await Assertions.Expect(Page.Locator("#count-sent")).ToHaveTextAsync("1");
        await Assertions.Expect(Page.Locator("table")).ToContainTextAsync(deviceId);
        await Screenshot("notification");
    }

    [Fact]
    public async Task Compose_shows_the_validation_message_of_a_bad_field()
    {
        await SignInAsync();
        await Page.GotoAsync("/notifications");

        await Page.FillAsync("#target input", "has space!");
        await Page.FillAsync("#title input", "x");
        await Button("Send").ClickAsync();

        await Assertions.Expect(Page.Locator(".field-error[data-field='target.deviceIds']")).ToContainTextAsync("ASCII letters");
    }

    [Fact]
    public async Task The_health_page_shows_every_part_healthy()
    {
        await SignInAsync();
        await Page.GotoAsync("/status");

        await Assertions.Expect(Page.Locator(".summary")).ToHaveTextAsync(new Regex("All parts healthy"));
        await Assertions.Expect(Page.Locator(".part.healthy")).ToHaveCountAsync(6);
        await Screenshot("health");
    }
}
