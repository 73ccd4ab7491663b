using System.Net;
using System.Net.Http.Json;
using Pushboard.Tests;

namespace Pushboard.Reliability.Tests;

[Collection(ReliabilityCollection.Name)]
public sealed class AuthMatrixTests(ReliabilityAppFixture fixture)
{
    private enum Access
    {
        // The app key may register, refresh and delete a device; everything else needs the admin key.
        AppOrAdmin,
        AdminOnly,
    }

    private sealed record Call(string Service, HttpMethod Method, string Path, Access Access, object? Body = null);

    [Fact]
    public async Task Every_endpoint_of_every_service_answers_no_key_wrong_key_app_key_and_admin_key_as_API_md_says()
    {
        using var client = new PushboardClient(fixture);
        var device = PushboardClient.Unique("auth");
        await client.RegisterAsync(device, PushboardClient.Unique("token"));
        // Its own device: a new secret would lock the app out of the one above.
        var rotated = PushboardClient.Unique("auth");
        await client.RegisterAsync(rotated, PushboardClient.Unique("token"));
        var notification = (await client.SendAsync(new { target = new { deviceIds = new[] { device } }, data = new { a = "b" } }))["id"].Text();
        var registration = new { fcmToken = PushboardClient.Unique("token"), platform = "ios" };
        var calls = new Call[]
        {
            new("deviceapi", HttpMethod.Put, $"/api/devices/{device}", Access.AppOrAdmin, registration),
            new("deviceapi", HttpMethod.Patch, $"/api/devices/{device}/token", Access.AppOrAdmin, new { fcmToken = registration.fcmToken }),
            new("deviceapi", HttpMethod.Get, $"/api/devices/{device}", Access.AdminOnly),
            new("deviceapi", HttpMethod.Get, "/api/devices?limit=5", Access.AdminOnly),
            new("deviceapi", HttpMethod.Post, "/api/devices/query", Access.AdminOnly, new { deviceIds = new[] { device } }),
            new("deviceapi", HttpMethod.Post, $"/api/devices/{rotated}/secret", Access.AdminOnly),
            new("notificationapi", HttpMethod.Post, "/api/notifications", Access.AdminOnly, new { target = new { topic = "news" }, data = new { a = "b" } }),
            new("notificationapi", HttpMethod.Get, "/api/notifications?limit=5", Access.AdminOnly),
            new("notificationapi", HttpMethod.Get, $"/api/notifications/{notification}", Access.AdminOnly),
            new("notificationapi", HttpMethod.Get, $"/api/notifications/{notification}/deliveries", Access.AdminOnly),
            new("notificationapi", HttpMethod.Get, $"/api/deliveries?deviceId={device}", Access.AdminOnly),
            new("notificationapi", HttpMethod.Get, "/api/deliveries/stats?window=24h", Access.AdminOnly),
            new("notificationapi", HttpMethod.Get, "/api/notifications/active", Access.AdminOnly),
            new("deviceapi", HttpMethod.Get, "/api/devices/stats", Access.AdminOnly),
            new("deviceapi", HttpMethod.Delete, $"/api/devices/{device}", Access.AppOrAdmin),
        };
        var keys = new (string Name, string? Key)[]
        {
            ("no key", null), ("wrong key", fixture.AdminApiKey + "-wrong"), ("app key", fixture.AppApiKey), ("admin key", fixture.AdminApiKey),
            ("second app key", fixture.SecondAppApiKey), ("second admin key", fixture.SecondAdminApiKey),
        };

        var wrong = new List<string>();
        var answered = 0;
        foreach (var call in calls)
        {
            foreach (var (name, key) in keys)
            {
                using var http = name.Contains("app key") ? fixture.CreateAppClient(call.Service, key) : fixture.CreateClient(call.Service, key);
                using var request = new HttpRequestMessage(call.Method, call.Path) { Content = call.Body is null ? null : JsonContent.Create(call.Body) };
                using var response = await http.SendAsync(request);
                answered++;
                var expected = (name, call.Access) switch
                {
                    ("no key" or "wrong key", _) => "401",
                    ("app key" or "second app key", Access.AdminOnly) => "403",
                    _ => "2xx",
                };
                var status = (int)response.StatusCode;
                var actual = status is >= 200 and < 300 ? "2xx" : status.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var isProblem = response.Content.Headers.ContentType?.MediaType == "application/problem+json";
                if (actual != expected || (expected != "2xx" && !isProblem))
                {
                    wrong.Add($"{call.Method} {call.Service}{call.Path} with {name}: {status} {response.Content.Headers.ContentType}, expected {expected}");
                }
            }
        }

        Assert.Equal(calls.Length * keys.Length, answered);
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public async Task A_notification_posted_with_the_second_admin_key_reaches_a_device_registered_with_the_second_app_key()
    {
        using var client = new PushboardClient(fixture);
        using var devices = fixture.CreateClient("deviceapi", fixture.SecondAppApiKey);
        using var notifications = fixture.CreateClient("notificationapi", fixture.SecondAdminApiKey);
        var (device, token) = (PushboardClient.Unique("second-key"), PushboardClient.Unique("token"));

        using var registered = await devices.PutAsJsonAsync($"/api/devices/{device}", new { fcmToken = token, platform = "android" });
        using var posted = await notifications.PostAsJsonAsync("/api/notifications", new { target = new { deviceIds = new[] { device } }, data = new { a = "b" } });
        var id = (await posted.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["id"]!.GetValue<string>();

        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        // NotificationApi resolves the device at DeviceApi with the first listed admin key.
        await client.WaitUntilSentAsync(id, 1, TimeSpan.FromSeconds(30));
    }

    [Theory]
    [InlineData("deviceapi")]
    [InlineData("notificationapi")]
    public async Task Health_and_liveness_answer_without_a_key(string service)
    {
        using var http = fixture.CreateClient(service);

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/alive")).StatusCode);
    }
}
