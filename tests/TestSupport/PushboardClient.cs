using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace Pushboard.Tests;

// Calls a test needs: register devices in DeviceApi, send through NotificationApi, read the emulator.
public sealed class PushboardClient(PushboardAppFixture fixture) : IDisposable
{
    private static readonly TimeSpan CompletionTimeout = TimeSpan.FromMinutes(4);
    private readonly HttpClient _devices = fixture.CreateAppClient("deviceapi");
    private readonly HttpClient _deviceAdmin = fixture.CreateAdminClient("deviceapi");
    private readonly HttpClient _emulator = new() { BaseAddress = new Uri($"http://localhost:{fixture.FcmEmulatorPort}") };

    public HttpClient Notifications { get; } = fixture.CreateAdminClient("notificationapi");

    public HttpClient Emulator => _emulator;

    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    // As an app does, a 503 (a pooled connection that a Postgres restart broke answers one) is tried again.
    public async Task RegisterAsync(string deviceId, string token, string? userId = null)
    {
        var body = new { fcmToken = token, platform = "android", userId, userIdHash = userId is null ? null : fixture.Vouch(userId) };
        for (var attempt = 1; ; attempt++)
        {
            using var response = await _devices.PutAsJsonAsync($"/api/devices/{deviceId}", body);
            if (response.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable || attempt == 10)
            {
                response.EnsureSuccessStatusCode();
                return;
            }

            await Task.Delay(500);
        }
    }

    public async Task<JsonObject> DeviceAsync(string deviceId) =>
        (await _deviceAdmin.GetFromJsonAsync<JsonObject>($"/api/devices/{deviceId}"))!;

    public async Task<JsonObject> SendAsync(object request)
    {
        using var response = await Notifications.PostAsJsonAsync("/api/notifications", request);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    public Task<JsonObject> WaitUntilFinishedAsync(string id, TimeSpan? within = null) =>
        PollAsync(id, notification => (string?)notification["status"] is "completed" or "failed", within ?? CompletionTimeout, 250);

    public Task<JsonObject> WaitUntilStatusAsync(string id, string status, TimeSpan within) =>
        PollAsync(id, notification => (string?)notification["status"] == status, within, 100);

    // Until the notification counts at least `sent` sent deliveries, e.g. to act in the middle of a broadcast.
    public Task<JsonObject> WaitUntilSentAsync(string id, int sent, TimeSpan within) =>
        PollAsync(id, notification => Count(notification, "sent") >= sent, within, 100);

    public async Task<JsonObject> PollAsync(string id, Func<JsonObject, bool> reached, TimeSpan within, int intervalMs = 200)
    {
        using var timeout = new CancellationTokenSource(within);
        while (true)
        {
            var notification = (await Notifications.GetFromJsonAsync<JsonObject>($"/api/notifications/{id}", timeout.Token))!;
            if (reached(notification))
            {
                return notification;
            }

            await Task.Delay(intervalMs, timeout.Token);
        }
    }

    public async Task<List<JsonObject>> DeliveriesAsync(string id)
    {
        var deliveries = new List<JsonObject>();
        string? next = null;
        do
        {
            var page = (await Notifications.GetFromJsonAsync<JsonObject>(
                $"/api/notifications/{id}/deliveries?limit=500" + (next is null ? "" : "&after=" + next)))!;
            deliveries.AddRange(page["items"]!.AsArray().Select(item => item!.AsObject()));
            next = (string?)page["next"];
        }
        while (next is not null);
        return deliveries;
    }

    public async Task<List<JsonObject>> ReceivedAsync(string? token = null, string? topic = null)
    {
        var query = token is not null ? $"token={Uri.EscapeDataString(token)}" : $"topic={Uri.EscapeDataString(topic!)}";
        var page = (await _emulator.GetFromJsonAsync<JsonObject>($"/emulator/messages?{query}&limit=1000"))!;
        return [.. page["items"]!.AsArray().Select(item => item!["message"]!.AsObject())];
    }

    // Every messages:send the emulator received for the token, accepted or not, newest first.
    public async Task<List<JsonObject>> AttemptsAsync(string token) =>
        [.. (await _emulator.GetFromJsonAsync<JsonObject>($"/emulator/requests?token={Uri.EscapeDataString(token)}"))!["items"]!.AsArray()
            .Select(item => item!.AsObject())];

    // DeviceApi marks a device invalid when it applies the DeviceInvalidatedEvent NotificationApi published to device-events.
    public async Task<JsonObject> WaitUntilInvalidAsync(string deviceId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var state = await DeviceAsync(deviceId);
            if (state["status"].Text() == "invalid")
            {
                return state;
            }

            await Task.Delay(200, timeout.Token);
        }
    }

    // Returns once DeviceApi has applied every invalidation published by the sends that finished before this call.
    // DeviceApi applies device-events in stream order, and NotificationApi publishes an invalidation before it records the
    // delivery: a dead token sent now is published after them, so once its device is invalid, those were applied too.
    public async Task InvalidationsAppliedAsync()
    {
        var dead = Unique("dead");
        await RegisterAsync(dead, Unique("unregistered"));
        var later = await SendAsync(new { target = new { deviceIds = new[] { dead } }, data = new { probe = "invalidations" } });
        await WaitUntilFinishedAsync(later["id"].Text());
        await WaitUntilInvalidAsync(dead);
    }

    public static int Count(JsonObject notification, string name) => (int)notification["counts"]![name]!;

    public void Dispose()
    {
        _devices.Dispose();
        _deviceAdmin.Dispose();
        _emulator.Dispose();
        Notifications.Dispose();
    }
}

public static class JsonExtensions
{
    public static string Text(this JsonNode? node) => node?.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : "";
}
