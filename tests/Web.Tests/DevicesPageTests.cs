using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FluentUI.AspNetCore.Components;
using Pushboard.Web.Components.Pages;
using Pushboard.Web.Services;

namespace Pushboard.Web.Tests;

public sealed class DevicesPageTests : ConsoleContext
{
    private readonly FakeDeviceApi _api = new();

    public DevicesPageTests()
    {
        Services.AddSingleton<IDeviceApiClient>(_api);
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    [Fact]
    public async Task Filters_are_sent_to_the_api_and_restart_paging()
    {
        var page = Render<Devices>();

        page.Find("fluent-text-field[aria-label='User id']").Change("u-42");
        page.Find("fluent-select[aria-label='Platform']").Change("ios");
        page.Find("fluent-select[aria-label='Status']").Change("invalid");
        await page.Find("fluent-checkbox").TriggerEventAsync("oncheckedchange", new CheckboxChangeEventArgs { Checked = true });
        await page.Find("form.filters").SubmitAsync();

        var (filter, after) = _api.Calls[^1];
        Assert.Equal(new DeviceFilter("u-42", "ios", "invalid", true), filter);
        Assert.Null(after);
    }

    [Fact]
    public void Next_and_previous_walk_the_cursors()
    {
        _api.Answer = (_, after) => after switch
        {
            null => new Page<Device>([FakeDeviceApi.Device("a")], "cursor-1"),
            "cursor-1" => new Page<Device>([FakeDeviceApi.Device("b")], "cursor-2"),
            _ => new Page<Device>([FakeDeviceApi.Device("c")], null),
        };
        var page = Render<Devices>();

        page.FindAll(".pager fluent-button")[1].Click();
        page.FindAll(".pager fluent-button")[1].Click();
        page.FindAll(".pager fluent-button")[0].Click();

        Assert.Equal([null, "cursor-1", "cursor-2", "cursor-1"], _api.Calls.Select(call => call.After));
        Assert.Contains("b", page.Find("table").TextContent);
    }

    [Fact]
    public void Next_keeps_the_filter_of_the_page_shown_until_Filter_is_pressed()
    {
        _api.Answer = (_, after) => new Page<Device>([FakeDeviceApi.Device(after ?? "a")], after is null ? "cursor-1" : null);
        var page = Render<Devices>();

        page.Find("fluent-select[aria-label='Platform']").Change("ios");
        page.FindAll(".pager fluent-button")[1].Click();

        Assert.Equal((new DeviceFilter(null, null, null, null), "cursor-1"), _api.Calls[^1]);
    }

    [Fact]
    public void After_a_page_that_failed_to_load_Previous_goes_to_the_page_before_the_one_shown()
    {
        _api.Answer = (_, after) => after switch
        {
            null => new Page<Device>([FakeDeviceApi.Device("a")], "cursor-1"),
            "cursor-1" => new Page<Device>([FakeDeviceApi.Device("b")], "cursor-2"),
            _ => throw new HttpRequestException("DeviceApi is down"),
        };
        var page = Render<Devices>();

        page.FindAll(".pager fluent-button")[1].Click();
        page.FindAll(".pager fluent-button")[1].Click();
        Assert.Contains("Could not load devices", page.Markup);
        page.FindAll(".pager fluent-button")[0].Click();

        Assert.Equal([null, "cursor-1", "cursor-2", null], _api.Calls.Select(call => call.After));
        Assert.Contains("a", page.Find("table").TextContent);
    }

    [Fact]
    public void An_id_that_cannot_be_a_devices_is_said_and_not_opened()
    {
        var page = Render<Devices>();

        page.Find("fluent-text-field[aria-label='Device id']").Change("has space");
        page.FindAll("form.filters fluent-button")[^1].Click();

        Assert.Equal(Pushboard.Contracts.NotificationRules.DeviceIdShape, page.Find(".device-id-error").TextContent);
        Assert.DoesNotContain("/devices/", Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public void An_empty_page_says_so()
    {
        var page = Render<Devices>();

        Assert.Contains("No devices match.", page.Markup);
    }

    [Fact]
    public void An_api_error_is_a_readable_message()
    {
        _api.Answer = (_, _) => throw new ApiException("limit must be an integer between 1 and 500.");

        var page = Render<Devices>();

        Assert.Contains("Could not load devices: limit must be an integer between 1 and 500.", page.Find("[role=alert]").TextContent);
    }
}
