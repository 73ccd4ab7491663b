using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Pushboard.Web.Components.Pages;
using Pushboard.Web.Services;

namespace Pushboard.Web.Tests;

public sealed class HealthPageTests : ConsoleContext
{
    public HealthPageTests()
    {
        // Both services answer as they do outside Development: their overall status, without the per-check entries.
        var production = new AnsweringHandler(HttpStatusCode.OK, """{ "status": "Healthy" }""");
        Services.AddHttpClient(HttpClientNames.DeviceApiHealth, http => http.BaseAddress = new Uri("http://deviceapi"))
            .ConfigurePrimaryHttpMessageHandler(() => production);
        Services.AddHttpClient(HttpClientNames.NotificationApiHealth, http => http.BaseAddress = new Uri("http://notificationapi"))
            .ConfigurePrimaryHttpMessageHandler(() => production);
        Services.AddSingleton<HealthProbe>();
        Services.AddOptions<OverviewOptions>();
        Services.AddSingleton<TimeProvider>(new FakeTimeProvider(DateTimeOffset.UtcNow));
    }

    [Fact]
    public void Parts_the_services_do_not_report_are_unknown_not_unhealthy()
    {
        var page = Render<Health>();

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll(".part")));
        Assert.Equal(["healthy", "healthy", "unknown", "unknown", "unknown", "unknown"],
            page.FindAll(".part").Select(part => part.ClassList.Single(name => name is "healthy" or "unhealthy" or "unknown")));
        Assert.Equal("Unknown", page.Find("[data-part='Redis'] .badge").TextContent);
        Assert.Equal("No part reports a problem; the services do not report the parts marked unknown.", page.Find(".summary").TextContent);
        Assert.Empty(page.FindAll(".summary.bad"));
    }

    [Fact]
    public void An_unknown_part_is_a_neutral_light_on_the_strip()
    {
        var lights = HealthLight.Strip(
        [
            new("DeviceApi", PartState.Healthy, "Healthy", null, 1), new("NotificationApi", PartState.Healthy, "Healthy", null, 1),
            new("Postgres (devicesdb)", PartState.Unknown, "Unknown", null, 0), new("Postgres (notificationsdb)", PartState.Unknown, "Unknown", null, 0),
            new("Redis", PartState.Unknown, "Unknown", null, 0), new("FCM", PartState.Unknown, "Unknown", null, 0),
        ]);

        var strip = Render<Pushboard.Web.Components.Overview.HealthStrip>(parameters => parameters.Add(p => p.Lights, lights));

        Assert.Equal(["healthy", "healthy", "healthy", "unknown", "unknown", "unknown"],
            strip.FindAll(".light").Select(light => light.ClassList.Single(name => name is "healthy" or "unhealthy" or "unknown")));
    }
}
