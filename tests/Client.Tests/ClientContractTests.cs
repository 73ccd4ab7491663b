using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Pushboard.Contracts.Segments;

namespace Pushboard.Client.Tests;

// The OpenAPI documents match the client: every public method of DevicesClient and NotificationsClient makes a request
// that is an operation of its service's document (path, query parameters, body valid against the schema), and every
// public operation of the documents is made by some method. Each method is called once with a handler that records its
// request instead of sending it.
[Collection(ClientCollection.Name)]
public sealed class ClientContractTests(ClientFixture fixture)
{
    private static readonly Uri DeviceApi = new("http://deviceapi.invalid");
    private static readonly Uri NotificationApi = new("http://notificationapi.invalid");
    private static readonly Guid Id = Guid.NewGuid();

    // One call of each public method, named "Type.Method".
    private static readonly Dictionary<string, Func<PushboardClient, Task>> Calls = new()
    {
        ["DevicesClient.RegisterAsync"] = client => client.Devices.RegisterAsync("phone-1", new DeviceRegistration(
            "token", "ios", "u-42", "3.1.0", "ko-KR", "Asia/Seoul", new Dictionary<string, string> { ["plan"] = "pro" })),
        ["DevicesClient.RefreshTokenAsync"] = client => client.Devices.RefreshTokenAsync("phone-1", "token-2"),
        ["DevicesClient.GetAsync"] = client => client.Devices.GetAsync("phone-1"),
        ["DevicesClient.ListPageAsync"] = client => client.Devices.ListPageAsync(new DeviceQuery("u-42", "ios", "active", true), "cursor", 10),
        ["DevicesClient.ListAsync"] = client => First(client.Devices.ListAsync(new DeviceQuery(Stale: false), 10)),
        ["DevicesClient.UpdateAsync"] = client => client.Devices.UpdateAsync("phone-1",
            new DevicePatch().UserId(null).AppVersion("3.2").Locale("en").TimeZone("UTC").Tag("plan", null)),
        ["DevicesClient.DeleteAsync"] = client => client.Devices.DeleteAsync("phone-1"),
        ["DevicesClient.CountAsync"] = client => client.Devices.CountAsync(new Segment(
            ["ios"], ["ko"], new AppVersionRange("3.0", "3.9"), new Dictionary<string, IReadOnlyList<string>> { ["plan"] = ["pro"] }, ["u-42"], 30)),
        ["DevicesClient.IssueSecretAsync"] = client => client.Devices.IssueSecretAsync("phone-1"),
        ["NotificationsClient.SendAsync"] = client => client.Notifications.SendAsync(new NotificationRequest(NotificationTarget.ToDevices("phone-1", "phone-2"))
        {
            Notification = new NotificationContent("Shipped", "Order 1234 is on its way.", "https://shop.example/parcel.png"),
            Data = new Dictionary<string, string> { ["orderId"] = "1234" },
            Priority = "high",
            TtlSeconds = 3600,
            CollapseKey = "orders",
            Android = new() { ["notification"] = new System.Text.Json.Nodes.JsonObject { ["channel_id"] = "orders" } },
            Apns = new() { ["headers"] = new System.Text.Json.Nodes.JsonObject { ["apns-priority"] = "5" } },
            Webpush = new() { ["fcm_options"] = new System.Text.Json.Nodes.JsonObject { ["link"] = "https://shop.example" } },
            SendAt = DateTimeOffset.UtcNow.AddHours(1),
            LocalTime = new TimeOnly(9, 0),
        }),
        ["NotificationsClient.GetAsync"] = client => client.Notifications.GetAsync(Id),
        ["NotificationsClient.ListPageAsync"] = client => client.Notifications.ListPageAsync("cursor", 10, "scheduled"),
        ["NotificationsClient.ListAsync"] = client => First(client.Notifications.ListAsync(10, "completed")),
        ["NotificationsClient.ListDeliveriesPageAsync"] = client => client.Notifications.ListDeliveriesPageAsync(Id, "sent", "cursor", 10),
        ["NotificationsClient.ListDeliveriesAsync"] = client => First(client.Notifications.ListDeliveriesAsync(Id, "failed", 10)),
        ["NotificationsClient.CancelAsync"] = client => client.Notifications.CancelAsync(Id),
    };

    [Fact]
    public void Every_public_method_of_the_client_is_called_here()
    {
        var methods = new[] { typeof(DevicesClient), typeof(NotificationsClient) }.SelectMany(type =>
            type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Select(method => $"{type.Name}.{method.Name}"));

        Assert.Equal(methods.Order(), Calls.Keys.Order());
    }

    [Fact]
    public async Task Every_client_request_is_an_operation_of_the_OpenAPI_documents_and_every_public_operation_is_made_by_the_client()
    {
        var specs = new Dictionary<string, OpenApiSpec>
        {
            [DeviceApi.Host] = await SpecOf("deviceapi"),
            [NotificationApi.Host] = await SpecOf("notificationapi"),
        };
        var log = new RequestLog();
        var services = new ServiceCollection();
        var clients = services.AddPushboardClient(options =>
        {
            options.DeviceApiUrl = DeviceApi;
            options.NotificationApiUrl = NotificationApi;
            options.ApiKey = "key";
        });
        clients.DeviceApi.AddHttpMessageHandler(() => new RecordingHandler(log));
        clients.NotificationApi.AddHttpMessageHandler(() => new RecordingHandler(log));
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<PushboardClient>();
        var problems = new List<string>();
        var made = new HashSet<string>();

        foreach (var (method, call) in Calls)
        {
            await Assert.ThrowsAsync<RecordingHandler.Recorded>(() => call(client));
            var (host, shape) = log.Last!.Value;
            made.Add($"{host} {specs[host].Check(shape, problems) ?? method}");
        }

        Assert.Empty(problems);
        Assert.Empty(PublicOperations.Of(specs[DeviceApi.Host], "deviceapi").Select(operation => $"{DeviceApi.Host} {operation}")
            .Concat(PublicOperations.Of(specs[NotificationApi.Host], "notificationapi").Select(operation => $"{NotificationApi.Host} {operation}"))
            .Except(made));
        Assert.Empty(PublicOperations.Internal["deviceapi"].Except(specs[DeviceApi.Host].Operations));
        Assert.Empty(PublicOperations.Internal["notificationapi"].Except(specs[NotificationApi.Host].Operations));
    }

    private async Task<OpenApiSpec> SpecOf(string service)
    {
        using var client = fixture.CreateClient(service);
        return await OpenApiSpec.LoadAsync(client);
    }

    private static async Task First<T>(IAsyncEnumerable<T> items)
    {
        await foreach (var _ in items)
        {
            return;
        }
    }

    private sealed class RequestLog
    {
        public (string Host, RequestShape Shape)? Last { get; set; }
    }

    // Keeps the request's shape and ends the call with Recorded, which the resilience handler does not retry.
    private sealed class RecordingHandler(RequestLog log) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            log.Last = (request.RequestUri!.Host, RequestShape.Of(request.Method.Method, request.RequestUri, request.Content?.Headers.ContentType?.MediaType, body));
            throw new Recorded();
        }

        public sealed class Recorded : Exception;
    }
}
