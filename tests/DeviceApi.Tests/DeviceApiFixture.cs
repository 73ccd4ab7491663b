extern alias deviceapi;

using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Aspire.Hosting.ApplicationModel;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;
using Pushboard.Tests;
using StackExchange.Redis;

namespace Pushboard.DeviceApi.Tests;

// DeviceApi with its real Postgres and Redis, started once for the whole assembly.
// The other services are taken out of the model: these tests only talk to DeviceApi.
public sealed class DeviceApiFixture : PushboardAppFixture, IAsyncLifetime
{
    public const string Resource = "deviceapi";

    private ConnectionMultiplexer? _redis;

    protected override IEnumerable<string> Resources => ["postgres", "redis", Resource];

    // Entries a crashed consumer left pending are taken over after this long (30 s in production).
    public static readonly TimeSpan ClaimIdleAfter = TimeSpan.FromSeconds(2);

    protected override void Configure(IDistributedApplicationTestingBuilder builder)
    {
        var deviceApi = builder.Resources.OfType<ProjectResource>().Single(r => r.Name == Resource);
        // RaceTests put one device id 50 times at once, beyond the app key's burst of 30 per device id
        // (HostConfigurationTests check the limits themselves).
        builder.CreateResourceBuilder(deviceApi)
            .WithEnvironment("DeviceEvents__ClaimIdleAfter", ClaimIdleAfter.ToString("c"))
            .WithEnvironment("RateLimiting__DeviceBurst", "100");

        foreach (var name in new[] { "web", "notificationapi", "fcm-emulator" })
        {
            var resource = builder.Resources.SingleOrDefault(r => r.Name == name);
            if (resource is not null)
            {
                builder.Resources.Remove(resource);
            }
        }
    }

    public HttpClient Admin() => CreateAdminClient(Resource);

    public HttpClient AppClient() => CreateAppClient(Resource);

    // The app key alone, without a device secret.
    public HttpClient AppKeyOnly() => CreateClient(Resource, AppApiKey);

    public HttpClient Anonymous() => CreateClient(Resource);

    // DeviceApi in process, on this fixture's database and Redis, with settings the shared app cannot have.
    public async Task<WebApplicationFactory<deviceapi::Program>> InProcessAsync(string environment, params (string Key, string Value)[] settings)
    {
        var devicesDb = await ConnectionStringOf("devicesdb");
        var cache = await ConnectionStringOf("cache");
        return new WebApplicationFactory<deviceapi::Program>().WithWebHostBuilder(host =>
        {
            host.UseEnvironment(environment);
            host.UseSetting("ConnectionStrings:devicesdb", devicesDb);
            host.UseSetting("ConnectionStrings:cache", cache);
            // Its own consumer group: this short-lived host must not take events meant for the shared DeviceApi.
            host.UseSetting("DeviceEvents:ConsumerGroup", "host-configuration-tests");
            foreach (var (key, value) in settings)
            {
                host.UseSetting(key, value);
            }
        });
    }

    public async Task<NpgsqlDataSource> DevicesDbAsync() => NpgsqlDataSource.Create(await ConnectionStringOf("devicesdb"));

    public async Task<IDatabase> RedisAsync()
    {
        _redis ??= await ConnectionMultiplexer.ConnectAsync(await ConnectionStringOf("cache"));
        return _redis.GetDatabase();
    }

    public new async Task DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class DeviceApiCollection : ICollectionFixture<DeviceApiFixture>
{
    public const string Name = "deviceapi";
}

public sealed record DeviceDto(
    string DeviceId, string? FcmToken, string Platform, string? UserId, string? AppVersion, string? Locale,
    string Status, string? InvalidReason, DateTime CreatedAt, DateTime UpdatedAt, DateTime TokenUpdatedAt, DateTime LastSeenAt);

public sealed record PageDto(List<DeviceDto> Items, string? Next);

public sealed record ItemsDto(List<DeviceDto> Items);

public static class TestData
{
    public static string NewId(string prefix = "dev") => $"{prefix}-{Guid.NewGuid():N}";

    public static string NewToken() => $"fcm:{Guid.NewGuid():N}{Guid.NewGuid():N}";

    public static Task<HttpResponseMessage> PutDevice(this HttpClient client, string deviceId, object body) =>
        client.PutAsJsonAsync($"/api/devices/{deviceId}", body);

    public static async Task<DeviceDto> Register(
        this HttpClient client, string deviceId, string token, string platform = "android", string? userId = null, string? userIdHash = null)
    {
        var response = await client.PutDevice(deviceId, new { fcmToken = token, platform, userId, userIdHash });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<DeviceDto>())!;
    }

    public static async Task<DeviceDto> GetDevice(this HttpClient admin, string deviceId)
    {
        var response = await admin.GetAsync($"/api/devices/{deviceId}");
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<DeviceDto>())!;
    }

    // Asserts an RFC 9457 answer with the status and a detail, and returns its body.
    public static async Task<JsonElement> AssertProblem(this HttpResponseMessage response, int status)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        return problem;
    }

    public static async Task AssertValidationErrors(this HttpResponseMessage response, params string[] fields)
    {
        var problem = await response.AssertProblem(400);
        var errors = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order().ToArray();
        Assert.Equal(fields.Order().ToArray(), errors);
    }
}
