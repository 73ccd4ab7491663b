using System.Net.Http.Headers;
using Aspire.Hosting;
using Pushboard.Contracts;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Pushboard.Tests;

// Starts the real AppHost in local mode (Debian's postgres and redis-server as executables, the FCM emulator)
// on free ports with a throw-away data folder, and waits until every service is healthy.
public class PushboardAppFixture : IAsyncLifetime
{
    public static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(3);

    // The sends one NotificationApi process has in flight with its defaults, Sending:Workers × Sending:Concurrency:
    // what a process killed mid-send may send twice, and what a cancel may still see handed to FCM.
    public const int InFlightWindow = 4 * 200;

    public string AdminApiKey { get; } = "test-admin-key-" + Guid.NewGuid().ToString("N");
    public string AppApiKey { get; } = "test-app-key-" + Guid.NewGuid().ToString("N");
    public string IdentitySecret { get; } = "test-identity-secret-" + Guid.NewGuid().ToString("N");

    // The secret the test app chooses for every device it creates (API.md: 43-128 base64url characters), sent on
    // every app-key call, so a test can call again on a device it registered.
    public string DeviceSecret { get; } = "test-device-secret-" + Guid.NewGuid().ToString("N");

    // Each key parameter lists a second key, as during a rotation: every suite runs with lists, and the services' own
    // calls use the first listed key.
    public string SecondAdminApiKey { get; } = "test-admin-key-2-" + Guid.NewGuid().ToString("N");
    public string SecondAppApiKey { get; } = "test-app-key-2-" + Guid.NewGuid().ToString("N");
    public string DataPath { get; } = Path.Combine(Path.GetTempPath(), "pushboard-tests-" + Guid.NewGuid().ToString("N"));
    public int PostgresPort { get; } = FreePort.Next();
    public int RedisPort { get; } = FreePort.Next();
    public int FcmEmulatorPort { get; } = FreePort.Next();
    public int FcmEmulatorHttp2Port { get; } = FreePort.Next();

    public DistributedApplication App { get; private set; } = null!;

    protected virtual IEnumerable<string> Resources => ["postgres", "redis", "deviceapi", "notificationapi", "web", "fcm-emulator"];

    protected virtual IEnumerable<string> Arguments =>
    [
        "Infrastructure:Mode=local",
        $"Infrastructure:DataPath={DataPath}",
        $"Infrastructure:PostgresPort={PostgresPort}",
        $"Infrastructure:RedisPort={RedisPort}",
        $"Infrastructure:FcmEmulatorPort={FcmEmulatorPort}",
        $"Infrastructure:FcmEmulatorHttp2Port={FcmEmulatorHttp2Port}",
        $"Parameters:admin-api-key={AdminApiKey}, {SecondAdminApiKey}",
        $"Parameters:app-api-key={AppApiKey}, {SecondAppApiKey}",
        $"Parameters:identity-secret={IdentitySecret}",
    ];

    // Override to change the model before it is built (e.g. replicas, extra environment).
    protected virtual void Configure(IDistributedApplicationTestingBuilder builder)
    {
    }

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartupTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [.. Arguments],
            (options, _) => options.DisableDashboard = true,
            timeout.Token);
        // An over-limit body waits for 100 Continue (OverLimitBody); HttpClient's own wait, 1 s, is shorter than a
        // busy runner may take to answer, and the body then goes anyway. 8 s stays within the 10 s per attempt of the
        // resilience handler the testing host gives every client.
        builder.Services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler(
            (handler, _) => ((SocketsHttpHandler)handler).Expect100ContinueTimeout = TimeSpan.FromSeconds(8)));
        Configure(builder);
        App = await builder.BuildAsync(timeout.Token);
        await App.StartAsync(timeout.Token);
        foreach (var resource in Resources)
        {
            await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        }
    }

    public HttpClient CreateClient(string resource, string? apiKey = null)
    {
        var client = App.CreateHttpClient(resource, "http");
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }

        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    public HttpClient CreateAdminClient(string resource) => CreateClient(resource, AdminApiKey);

    // The app key (or another listed one) with the app's device secret, as the app calls DeviceApi.
    public HttpClient CreateAppClient(string resource, string? appApiKey = null)
    {
        var client = CreateClient(resource, appApiKey ?? AppApiKey);
        client.DefaultRequestHeaders.Add(ApiHeaders.DeviceSecret, DeviceSecret);
        return client;
    }

    // The userIdHash the app's back end computes for a userId.
    public string Vouch(string userId) => UserIdHash.Compute(userId, IdentitySecret);

    public Uri EndpointOf(string resource) => App.GetEndpoint(resource, "http");

    public async Task<string> ConnectionStringOf(string name) =>
        await App.GetConnectionStringAsync(name) ?? throw new InvalidOperationException($"no connection string '{name}'");

    public virtual async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a stopping process; the folder is under /tmp and harmless.
        }
    }
}
