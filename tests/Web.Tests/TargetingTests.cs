using System.Text.Json;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.FluentUI.AspNetCore.Components;
using Pushboard.Contracts;
using Pushboard.Web.Components.Pages;
using Pushboard.Web.Services;

namespace Pushboard.Web.Tests;

// The compose form's segment builder with its live estimate, and its "when" choice.
public sealed class TargetingTests : ConsoleContext
{
    private readonly FakeNotificationApi _notifications = new();
    private readonly FakeDeviceApi _devices = new();
    private readonly FakeTimeProvider _time = new();

    public TargetingTests()
    {
        Services.AddSingleton<INotificationApiClient>(_notifications);
        Services.AddSingleton<IDeviceApiClient>(_devices);
        Services.AddSingleton<TimeProvider>(_time);
        Services.AddOptions<ComposeOptions>();
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    [Fact]
    public void The_builder_becomes_the_segment_of_the_request_leaving_blank_conditions_out()
    {
        var model = new ComposeModel { TargetKind = "segment", Title = "Hi" };
        model.Segment.Platforms.Add("web");
        model.Segment.Platforms.Add("ios");
        model.Segment.Locales = "ko, en-US";
        model.Segment.AppVersionMin = " 3.10 ";
        model.Segment.Tags.Add(new DataPair { Key = "plan", Value = "pro" });
        model.Segment.Tags.Add(new DataPair { Key = "plan", Value = "team" });
        model.Segment.Tags.Add(new DataPair { Key = "beta", Value = "yes" });
        model.Segment.Tags.Add(new DataPair());

        Assert.Empty(model.Validate());
        var request = JsonSerializer.SerializeToElement(model.ToRequest());
        Assert.Equal(
            """{"platform":["ios","web"],"locale":["ko","en-US"],"appVersion":{"min":"3.10"},"tags":{"plan":["pro","team"],"beta":"yes"}}""",
            request.GetProperty("target").GetProperty("segment").GetRawText());
    }

    [Fact]
    public void A_bad_segment_is_refused_with_the_shared_rules_message()
    {
        var model = new ComposeModel { TargetKind = "segment", Title = "Hello" };
        model.Segment.AppVersionMin = "3.12";
        model.Segment.AppVersionMax = "3.2";

        Assert.Equal(["appVersion.min (3.12) is above appVersion.max (3.2)."], model.Validate()["target.segment.appVersion"]);
    }

    [Fact]
    public void The_estimate_asks_once_after_the_last_change_and_shows_the_count()
    {
        _devices.Count = segment => segment.GetProperty("locale")[0].GetString() == "ko" ? 1234 : 7;
        var page = ComposeSegment();
        Assert.Contains("Add a condition", page.Find(".estimate").TextContent);

        page.Find("#segment-locale").Input("k");
        _time.Advance(TimeSpan.FromMilliseconds(300));
        page.Find("#segment-locale").Input("ko");
        _time.Advance(TimeSpan.FromMilliseconds(300));
        Assert.Empty(_devices.Counted);
        Assert.Contains("Counting", page.Find(".estimate").TextContent);

        _time.Advance(TimeSpan.FromMilliseconds(100));
        page.WaitForAssertion(() => Assert.Equal("≈ 1,234 devices", page.Find(".estimate strong").TextContent));
        Assert.Equal(["""{"locale":["ko"]}"""], _devices.Counted);
    }

    [Fact]
    public void The_estimate_shows_the_field_errors_deviceapi_answers()
    {
        _devices.Count = _ => throw new ApiException("One or more validation errors occurred.",
            new Dictionary<string, string[]> { ["segment.lastSeenWithinDays"] = ["lastSeenWithinDays must be a whole number of days from 1 to 365."] });
        var page = ComposeSegment();

        page.Find("#segment-last-seen").Input("400");
        _time.Advance(TimeSpan.FromMilliseconds(400));

        page.WaitForAssertion(() => Assert.Contains("from 1 to 365", page.Find(".field-error[data-field='target.segment.lastSeenWithinDays']").TextContent));
        Assert.Contains("Fix the segment", page.Find(".estimate").TextContent);
    }

    [Fact]
    public void Platforms_are_chosen_with_checkboxes()
    {
        var page = ComposeSegment();

        page.Find(".platforms fluent-checkbox").TriggerEvent("oncheckedchange", new CheckboxChangeEventArgs { Checked = true });
        page.WaitForAssertion(() => Assert.Contains("Counting", page.Find(".estimate").TextContent));
        _time.Advance(TimeSpan.FromMilliseconds(400));

        page.WaitForAssertion(() => Assert.Equal(["""{"platform":["android"]}"""], _devices.Counted));
    }

    [Fact]
    public void Send_at_goes_to_the_api_as_utc()
    {
        var model = new ComposeModel
        {
            TargetValue = "d-1", Title = "Later", Timing = ComposeTiming.SendAt,
            SendAtDate = new DateTime(2026, 12, 3), SendAtTime = new DateTime(2001, 1, 1, 10, 30, 45),
        };

        Assert.Empty(model.Validate());
        var request = JsonSerializer.SerializeToElement(model.ToRequest());
        Assert.Equal("2026-12-03T10:30:00Z", request.GetProperty("sendAt").GetString());
        Assert.Equal(JsonValueKind.Null, request.GetProperty("localTime").ValueKind);
    }

    [Fact]
    public void Local_time_goes_to_the_api_as_hours_and_minutes()
    {
        var model = new ComposeModel { TargetKind = "all", Title = "Morning", Timing = ComposeTiming.LocalTime, LocalTime = new DateTime(2001, 1, 1, 9, 5, 0) };

        Assert.Empty(model.Validate());
        Assert.Equal("09:05", JsonSerializer.SerializeToElement(model.ToRequest()).GetProperty("localTime").GetString());
    }

    [Fact]
    public void A_time_must_be_chosen_for_send_at()
    {
        var model = new ComposeModel { TargetValue = "d-1", Title = "Later", Timing = ComposeTiming.SendAt, SendAtDate = new DateTime(2026, 12, 3) };

        Assert.Equal([ComposeModel.SendAtRequired], model.Validate()["sendAt"]);
    }

    [Fact]
    public void Local_time_cannot_be_chosen_for_a_topic_and_is_refused_with_the_api_message()
    {
        var page = Render<Notifications>();
        page.Find("fluent-radio-group").TriggerEvent("onradiogroupchange", new ChangeEventArgs { Value = ComposeTiming.LocalTime });
        page.Find("fluent-select[aria-label='Target kind']").Change("topic");

        Assert.True(page.Find("fluent-radio[current-value='localTime']").HasAttribute("disabled"));
        Assert.Contains(NotificationRules.LocalTimeWithTopic, page.Find("form.compose").TextContent);

        page.Find("#target").Change("news");
        page.Find("#title").Change("Hello");
        page.Find("form.compose").Submit();

        Assert.Equal(NotificationRules.LocalTimeWithTopic, page.Find(".field-error[data-field='localTime']").TextContent);
        Assert.Empty(_notifications.Sent);
    }

    private IRenderedComponent<Notifications> ComposeSegment()
    {
        var page = Render<Notifications>();
        page.Find("fluent-select[aria-label='Target kind']").Change("segment");
        return page;
    }
}
