using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Polly.Timeout;
using Pushboard.Web.Components.Pages;
using Pushboard.Web.Services;

namespace Pushboard.Web.Tests;

public sealed class ComposeTests : ConsoleContext
{
    // What the clients' resilience pipeline throws when NotificationApi did not answer in time.
    private static readonly TimeoutRejectedException NoAnswer = new("The operation didn't complete within the allowed timeout of '00:00:30'.");

    private readonly FakeNotificationApi _api = new();

    public ComposeTests()
    {
        Services.AddSingleton<INotificationApiClient>(_api);
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    [Fact]
    public void The_form_cannot_be_used_until_the_page_is_interactive()
    {
        Renderer.SetRendererInfo(new RendererInfo("Static", isInteractive: false));

        var page = Render<Notifications>();

        Assert.True(page.Find("form.compose fieldset.controls").HasAttribute("disabled"));
    }

    [Fact]
    public void A_bad_device_id_is_reported_before_anything_is_sent()
    {
        var page = Render<Notifications>();

        page.Find("#target").Change("has space!");
        page.Find("#title").Change("Hello");
        page.Find("form.compose").Submit();

        Assert.Contains("ASCII letters", page.Find(".field-error[data-field='target.deviceIds']").TextContent);
        Assert.Empty(_api.Sent);
    }

    [Fact]
    public void Neither_notification_nor_data_is_refused_with_the_api_message()
    {
        var page = Render<Notifications>();

        page.Find("#target").Change("device-1");
        page.Find("form.compose").Submit();

        Assert.Contains("At least one of notification and data is required.", page.Find(".field-error[data-field='notification']").TextContent);
    }

    [Fact]
    public void The_api_field_errors_are_shown_next_to_the_fields()
    {
        _api.SendFailure = new ApiException("The encoded FCM message is 5000 bytes; FCM's limit is 4096 bytes.",
            new Dictionary<string, string[]> { ["payload"] = ["The encoded FCM message is 5000 bytes; FCM's limit is 4096 bytes."] });
        var page = RenderForm(title: "big");
        page.Find("form.compose").Submit();

        Assert.Contains("4096 bytes", page.Find(".field-error[data-field='payload']").TextContent);
    }

    [Fact]
    public void A_send_the_clients_resilience_pipeline_gave_up_on_says_it_may_have_been_accepted()
    {
        _api.SendFailure = NoAnswer;
        var page = RenderForm(title: "hello");
        page.Find("form.compose").Submit();

        Assert.Contains("NotificationApi did not answer in time, and it may have accepted the notification", page.Find("[role=alert]").TextContent);
    }

    [Fact]
    public void Sending_again_after_no_answer_reuses_the_requests_idempotency_key_and_another_request_gets_another()
    {
        _api.SendFailure = NoAnswer;
        var page = RenderForm(title: "hello");

        page.Find("form.compose").Submit();
        page.Find("#title").Change("hello again");
        page.Find("form.compose").Submit();
        page.Find("#title").Change("hello");
        _api.SendFailure = null;
        page.Find("form.compose").Submit();

        var keys = _api.IdempotencyKeys;
        Assert.Equal(3, keys.Count);
        Assert.NotEqual(keys[0], keys[1]);
        Assert.Equal(keys[0], keys[2]);
    }

    [Fact]
    public void A_second_submit_while_a_send_is_in_flight_sends_nothing_more()
    {
        var answer = new TaskCompletionSource();
        _api.Answering = answer.Task;
        var page = RenderForm(title: "hello");

        page.Find("form.compose").Submit();
        page.Find("form.compose").Submit();
        answer.SetResult();

        page.WaitForAssertion(() => Assert.Contains("/notifications/", Services.GetRequiredService<NavigationManager>().Uri));
        Assert.Single(_api.IdempotencyKeys);
    }

    [Fact]
    public async Task The_console_client_sends_the_key_as_the_idempotency_key_header()
    {
        var notificationApi = new AnsweringHandler(System.Net.HttpStatusCode.Accepted, $$"""{"id":"{{Guid.NewGuid()}}","status":"queued"}""");
        var client = new NotificationApiClient(notificationApi.Client("http://notificationapi"));

        await client.SendAsync(new { target = new { all = true } }, "key-1");

        Assert.Equal(["key-1"], Assert.Single(notificationApi.Requests).Request.Headers.GetValues("Idempotency-Key"));
    }

    [Fact]
    public void A_valid_form_becomes_the_api_request()
    {
        var model = new ComposeModel { TargetKind = "deviceIds", TargetValue = "a, b", Title = "Hi", Priority = "high", TtlSeconds = 60 };
        model.Data.Add(new DataPair { Key = "orderId", Value = "1234" });

        Assert.Empty(model.Validate());
        var json = System.Text.Json.JsonSerializer.Serialize(model.ToRequest());
        Assert.Contains("\"deviceIds\":[\"a\",\"b\"]", json);
        Assert.Contains("\"orderId\":\"1234\"", json);
        Assert.Contains("\"ttlSeconds\":60", json);
    }

    // The compose form with a device id and a title.
    private IRenderedComponent<Notifications> RenderForm(string title)
    {
        var page = Render<Notifications>();
        page.Find("#target").Change("device-1");
        page.Find("#title").Change(title);
        return page;
    }
}
