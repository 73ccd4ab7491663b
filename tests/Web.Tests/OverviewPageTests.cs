using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Pushboard.Contracts.Stats;
using Pushboard.Web.Components.Pages;
using Pushboard.Web.Services;

namespace Pushboard.Web.Tests;

public sealed class OverviewPageTests : ConsoleContext
{
    private static readonly TimeSpan SourceTimeout = TimeSpan.FromMinutes(1);
    private readonly FakeNotificationApi _notifications = new();
    private readonly FakeDeviceApi _devices = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    public OverviewPageTests()
    {
        Services.AddSingleton<INotificationApiClient>(_notifications);
        Services.AddSingleton<IDeviceApiClient>(_devices);
        // Health checks go to a port where nothing listens: every part is down, and the page still draws.
        Services.AddHttpClient(HttpClientNames.DeviceApiHealth, http => http.BaseAddress = new Uri("http://127.0.0.1:9"));
        Services.AddHttpClient(HttpClientNames.NotificationApiHealth, http => http.BaseAddress = new Uri("http://127.0.0.1:9"));
        Services.AddSingleton<HealthProbe>();
        Services.AddOptions<OverviewOptions>().Configure(options => options.SourceTimeout = SourceTimeout);
        Services.AddTransient<OverviewLoader>();
        Services.AddSingleton<TimeProvider>(_time);
        // The first render only: the page's timer starts in interactive rendering.
        Renderer.SetRendererInfo(new RendererInfo("Static", isInteractive: false));
    }

    [Fact]
    public void A_service_that_is_down_makes_only_its_own_parts_unavailable()
    {
        _notifications.Stats = _ => throw new HttpRequestException("Connection refused (notificationapi)");
        _notifications.Active = () => throw new HttpRequestException("Connection refused (notificationapi)");
        _devices.Stats = () => new DeviceStats(DateTime.UtcNow,
            new Dictionary<string, long> { ["android"] = 3, ["ios"] = 1 },
            new Dictionary<string, long> { ["active"] = 4 },
            [new DeviceDay(DateOnly.FromDateTime(DateTime.UtcNow), 4, 2, 1)]);

        var page = Render<Overview>();

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll(".health-strip")), TimeSpan.FromSeconds(10));
        Assert.Equal(3, page.FindAll(".unavailable").Count);
        Assert.Contains("Connection refused", page.Find("[data-panel='deliveries-1h'] .unavailable").TextContent);
        Assert.Equal(["android", "ios"], page.FindAll("[data-breakdown='platform'] li").Select(li => li.GetAttribute("data-key")));
        Assert.Equal("false", page.Find("[data-chart='devices-30d']").GetAttribute("data-empty"));
        Assert.Equal(["Web", "DeviceApi", "NotificationApi", "Postgres", "Redis", "FCM"],
            page.FindAll(".health-strip a").Select(light => light.GetAttribute("data-part")));
        Assert.Single(page.FindAll(".health-strip .healthy"));
    }

    // The deadline runs on the page's clock (a minute here, on a fake clock): before, it ran on the system clock, and
    // the registry would have shown as loading for a whole real minute.
    [Fact]
    public void A_source_that_does_not_answer_within_the_source_timeout_is_shown_as_not_answering()
    {
        _devices.StatsUnanswered = true;

        var page = Render<Overview>();
        _time.Advance(SourceTimeout);

        page.WaitForAssertion(() => Assert.Equal(
            "The device registry (DeviceApi) did not answer in time.", page.Find("[data-panel='devices'] .unavailable").TextContent.Trim()));
    }

    [Fact]
    public void A_notification_in_progress_shows_its_share_of_final_deliveries_and_links_to_its_page()
    {
        var id = Guid.NewGuid();
        _notifications.Active = () => [new ActiveNotification(id, "sending", DateTime.UtcNow, 200, 50, 12.5)];

        var page = Render<Overview>();

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll(".active li")), TimeSpan.FromSeconds(10));
        var progress = page.Find($"[data-notification='{id}'] fluent-progress");
        Assert.Equal(("50", "200"), (progress.GetAttribute("value"), progress.GetAttribute("max")));
        Assert.Equal("50 / 200 · 12.5/s", page.Find(".progress-text").TextContent);
        Assert.Equal($"/notifications/{id}", page.Find($"[data-notification='{id}'] a").GetAttribute("href"));
        Assert.Equal("No deliveries in this period.", page.Find("[data-chart='deliveries-1h'] .chart-empty").TextContent);
    }
}

public sealed class HealthLightTests
{
    [Fact]
    public void Postgres_is_one_light_as_bad_as_the_worse_database()
    {
        PartHealth Part(string name, bool healthy) => new(name, healthy ? PartState.Healthy : PartState.Unhealthy, healthy ? "Healthy" : "Unhealthy", null, 1);

        var lights = HealthLight.Strip(
        [
            Part("DeviceApi", true), Part("NotificationApi", true), Part("Postgres (devicesdb)", true),
            Part("Postgres (notificationsdb)", false), Part("Redis", true), Part("FCM", true),
        ]);

        Assert.Equal(["Web", "DeviceApi", "NotificationApi", "Postgres", "Redis", "FCM"], lights.Select(light => light.Part));
        Assert.Equal(new HealthLight("Postgres", PartState.Unhealthy, "Unhealthy"), lights[3]);
        Assert.All(lights.Where(light => light.Part != "Postgres"), light => Assert.Equal(PartState.Healthy, light.State));
    }
}
