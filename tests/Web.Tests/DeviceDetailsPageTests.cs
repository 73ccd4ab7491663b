using Microsoft.AspNetCore.Components;
using Microsoft.FluentUI.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Pushboard.Web.Components.Pages;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Pushboard.Web.Services;

namespace Pushboard.Web.Tests;

public sealed class DeviceDetailsPageTests : ConsoleContext
{
    private readonly FakeDeviceApi _api = new();
    private readonly FakeNotificationApi _notifications = new();

    public DeviceDetailsPageTests()
    {
        Services.AddSingleton<IDeviceApiClient>(_api);
        Services.AddSingleton<INotificationApiClient>(_notifications);
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    [Theory]
    [InlineData(true, "set")]
    [InlineData(false, "none: the next app call claims the device")]
    public void The_page_says_whether_the_device_has_a_secret(bool hasSecret, string shown)
    {
        _api.Stored["d-1"] = FakeDeviceApi.Device("d-1") with { HasSecret = hasSecret };

        var page = Render<DeviceDetails>(parameters => parameters.Add(p => p.DeviceId, "d-1"));

        Assert.Equal(shown, page.Find(".device-secret .secret-state").TextContent);
        Assert.Empty(page.FindAll(".issued-secret"));
    }

    [Fact]
    public void The_page_shows_the_devices_time_zone_and_tags()
    {
        _api.Stored["d-1"] = FakeDeviceApi.Device("d-1") with { TimeZone = "Asia/Seoul", Tags = new() { ["plan"] = "pro", ["beta"] = "yes" } };

        var page = Render<DeviceDetails>(parameters => parameters.Add(p => p.DeviceId, "d-1"));

        Assert.Equal("Asia/Seoul", page.Find(".facts .time-zone").TextContent);
        Assert.Equal(["beta: yes", "plan: pro"], page.FindAll(".facts .tag").Select(tag => tag.TextContent));
    }

    public static TheoryData<Exception> Unanswered => new()
    {
        new HttpRequestException("Connection refused"),
        new TimeoutRejectedException("The operation didn't complete within the allowed timeout of '00:00:10'."),
        new BrokenCircuitException("The circuit is now open and is not allowing calls."),
    };

    // Before, the page said "No deliveries yet." for a device with hundreds of them, and a timeout of the clients'
    // resilience pipeline ended the page's circuit.
    [Theory]
    [MemberData(nameof(Unanswered))]
    public void When_NotificationApi_does_not_answer_the_page_says_so_instead_of_showing_no_deliveries(Exception failure)
    {
        _api.Stored["d-1"] = FakeDeviceApi.Device("d-1");
        _notifications.DeviceDeliveriesFailure = failure;

        var page = Render<DeviceDetails>(parameters => parameters.Add(p => p.DeviceId, "d-1"));

        Assert.Contains("Could not load the recent deliveries: " + failure.Message, page.Find("[role=alert]").TextContent);
        Assert.DoesNotContain("No deliveries yet.", page.Markup);
        Assert.Equal("d-1", page.Find("h1").TextContent);
    }

    [Fact]
    public void Issuing_a_secret_asks_first_and_shows_the_new_one_once()
    {
        _api.Stored["d-1"] = FakeDeviceApi.Device("d-1");
        var page = Render<DeviceDetails>(parameters => parameters.Add(p => p.DeviceId, "d-1"));

        page.Find(".device-secret fluent-button").Click();
        Assert.Empty(_api.IssuedSecrets);
        Assert.Contains("stops working at once", page.Find(".confirm-secret").TextContent);
        page.FindAll(".confirm-secret fluent-button")[0].Click();

        Assert.Equal(["secret-1-for-d-1"], _api.IssuedSecrets);
        Assert.Empty(page.FindAll(".confirm-secret"));
        Assert.Equal("secret-1-for-d-1", page.Find(".issued-secret .secret-value").TextContent);
        Assert.Equal("set", page.Find(".device-secret .secret-state").TextContent);

        var reloaded = Render<DeviceDetails>(parameters => parameters.Add(p => p.DeviceId, "d-1"));
        Assert.DoesNotContain("secret-1-for-d-1", reloaded.Markup);
    }

    [Fact]
    public void A_secret_that_could_not_be_issued_is_said_in_the_confirmation_and_the_device_stays_shown()
    {
        _api.Stored["d-1"] = FakeDeviceApi.Device("d-1") with { HasSecret = true };
        _api.IssueFailure = new HttpRequestException("DeviceApi is down");
        var page = Render<DeviceDetails>(parameters => parameters.Add(p => p.DeviceId, "d-1"));

        page.Find(".device-secret fluent-button").Click();
        page.FindAll(".confirm-secret fluent-button")[0].Click();

        Assert.Contains("Could not issue a new secret", page.Find(".confirm-secret [role=alert]").TextContent);
        Assert.Equal("set", page.Find(".device-secret .secret-state").TextContent);
        Assert.Empty(page.FindAll(".issued-secret"));
    }

    // Before, a double-click issued two secrets: the page could show the first, which the second had already replaced.
    [Fact]
    public async Task A_second_click_on_Issue_while_the_first_is_in_flight_issues_nothing()
    {
        var (page, answer) = RenderWithAnswersHeld();
        page.Find(".device-secret fluent-button").Click();
        var issue = page.FindComponents<FluentButton>().Single(button => button.Instance.Appearance == Appearance.Accent);

        await ClickTwiceAsync(page, issue);
        answer.SetResult();

        page.WaitForAssertion(() => Assert.Equal("secret-1-for-d-1", page.Find(".issued-secret .secret-value").TextContent));
        Assert.Equal(["secret-1-for-d-1"], _api.IssuedSecrets);
    }

    [Fact]
    public async Task A_second_click_on_Delete_while_the_first_is_in_flight_deletes_nothing_more()
    {
        var (page, answer) = RenderWithAnswersHeld();
        page.Find("fluent-button.danger").Click();
        var delete = page.FindComponents<FluentButton>().Single(button => button.Instance.Class == "danger");

        await ClickTwiceAsync(page, delete);
        Assert.Equal(["d-1"], _api.Deleted);
        answer.SetResult();

        page.WaitForAssertion(() => Assert.EndsWith("/devices", Services.GetRequiredService<NavigationManager>().Uri));
        Assert.Equal(["d-1"], _api.Deleted);
    }

    // The page of a stored device d-1, whose calls to DeviceApi wait for the answer the test holds.
    private (IRenderedComponent<DeviceDetails> Page, TaskCompletionSource Answer) RenderWithAnswersHeld()
    {
        _api.Stored["d-1"] = FakeDeviceApi.Device("d-1");
        var answer = new TaskCompletionSource();
        _api.Answering = answer.Task;
        return (Render<DeviceDetails>(parameters => parameters.Add(p => p.DeviceId, "d-1")), answer);
    }

    [Fact]
    public async Task The_device_named_stats_is_read_with_the_device_query_since_its_path_is_the_stats()
    {
        var deviceApi = new AnsweringHandler(System.Net.HttpStatusCode.OK, """
            {"items":[{"deviceId":"stats","fcmToken":"token","platform":"ios","status":"active",
            "createdAt":"2026-12-01T00:00:00Z","updatedAt":"2026-12-01T00:00:00Z","tokenUpdatedAt":"2026-12-01T00:00:00Z",
            "lastSeenAt":"2026-12-01T00:00:00Z"}],"next":null}
            """);

        var device = await new DeviceApiClient(deviceApi.Client("http://deviceapi")).GetAsync("stats");

        var (request, body) = Assert.Single(deviceApi.Requests);
        Assert.Equal((HttpMethod.Post, "/api/devices/query"), (request.Method, request.RequestUri!.AbsolutePath));
        Assert.Equal("""{"deviceIds":["stats"]}""", body);
        Assert.Equal(("stats", "ios"), (device!.DeviceId, device.Platform));
    }
}
