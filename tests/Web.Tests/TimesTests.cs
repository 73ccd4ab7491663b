using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Pushboard.Web.Components.Pages;
using Pushboard.Web.Components.Shared;
using Pushboard.Web.Services;

namespace Pushboard.Web.Tests;

// Every time the console shows says it is UTC.
public sealed class TimesTests : ConsoleContext
{
    private static readonly DateTime At = new(2026, 12, 2, 15, 4, 5, DateTimeKind.Utc);

    private readonly FakeDeviceApi _devices = new();

    public TimesTests()
    {
        Services.AddSingleton<IDeviceApiClient>(_devices);
        Services.AddSingleton<INotificationApiClient>(new FakeNotificationApi());
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    [Fact]
    public void The_devices_table_says_its_times_are_utc()
    {
        _devices.Answer = (_, _) => new Page<Device>([FakeDeviceApi.Device("d-1") with { LastSeenAt = At, TokenUpdatedAt = At.AddDays(-1) }], null);

        var page = Render<Devices>();

        var cells = page.FindAll("table.devices tbody td").Select(cell => cell.TextContent.Trim()).ToList();
        Assert.Contains("2026-12-02 15:04 UTC", cells);
        Assert.Contains("2026-12-01 15:04 UTC", cells);
    }

    [Fact]
    public void The_deliveries_table_says_its_times_are_utc()
    {
        var delivery = new Delivery(Guid.NewGuid(), "d-1", null, "pending", null, null, 0, At, ScheduledFor: At.AddHours(3));

        var grid = Render<DeliveriesGrid>(parameters => parameters.Add(p => p.Deliveries, [delivery]));

        var cells = grid.FindAll("tbody td").Select(cell => cell.TextContent.Trim()).ToList();
        Assert.Contains("2026-12-02 15:04 UTC", cells);
        Assert.Contains("2026-12-02 18:04 UTC", cells);
    }

    [Fact]
    public void A_devices_facts_say_their_times_are_utc()
    {
        _devices.Stored["d-1"] = FakeDeviceApi.Device("d-1") with { LastSeenAt = At };

        var page = Render<DeviceDetails>(parameters => parameters.Add(p => p.DeviceId, "d-1"));

        var facts = page.FindAll(".facts dt").ToDictionary(term => term.TextContent, term => term.NextElementSibling!.TextContent.Trim());
        Assert.Equal("2026-12-02 15:04:05 UTC", facts["Last seen"]);
    }
}
