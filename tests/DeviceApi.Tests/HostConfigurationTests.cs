extern alias deviceapi;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Pushboard.DeviceApi.Tests;

// DeviceApi in process, on the fixture's database and Redis, with settings the shared app cannot have.
[Collection(DeviceApiCollection.Name)]
public sealed class HostConfigurationTests(DeviceApiFixture fixture)
{
    private const string AdminKey = "in-process-admin-key-0123456789";
    private const string SecondAdminKey = "second-admin-key-0123456789";
    private const string AppKey = "in-process-app-key-0123456789";
    private const string IdentitySecret = "in-process-identity-secret-0123456789";
    private const string SecondAppKey = "second-app-key-0123456789";

    private static (string, string)[] Keys(params (string, string)[] settings) =>
        [("Parameters:admin-api-key", AdminKey), ("Parameters:app-api-key", AppKey), .. settings];

    private static HttpRequestMessage Request(string key, HttpMethod method, string path, object? body = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("X-Api-Key", key);
        return request;
    }

    private static Task<HttpResponseMessage> SendAsync(WebApplicationFactory<deviceapi::Program> factory, string key, HttpMethod method, string path) =>
        factory.CreateClient().SendAsync(Request(key, method, path));

    private Task<WebApplicationFactory<deviceapi::Program>> HostAsync(string environment, params (string Key, string Value)[] settings) =>
        fixture.InProcessAsync(environment, settings);

    [Fact]
    public async Task Every_key_listed_in_a_parameter_works_and_the_list_itself_is_no_key()
    {
        // Production: the start check takes a list of strong keys, spaces around the commas included.
        await using var factory = await HostAsync("Production", ("Parameters:admin-api-key", $"{AdminKey}, {SecondAdminKey}"), ("Parameters:app-api-key", $"{AppKey},{SecondAppKey}"),
            ("Parameters:identity-secret", IdentitySecret));

        var calls = new (string Key, HttpMethod Method, string Path, HttpStatusCode Expected)[]
        {
            (SecondAdminKey, HttpMethod.Get, "/api/devices?limit=1", HttpStatusCode.OK),
            (AppKey, HttpMethod.Delete, $"/api/devices/{TestData.NewId()}", HttpStatusCode.NoContent),
            (SecondAppKey, HttpMethod.Delete, $"/api/devices/{TestData.NewId()}", HttpStatusCode.NoContent),
            (SecondAppKey, HttpMethod.Get, "/api/devices?limit=1", HttpStatusCode.Forbidden),
            ($"{AppKey},{SecondAppKey}", HttpMethod.Delete, $"/api/devices/{TestData.NewId()}", HttpStatusCode.Unauthorized),
        };

        var answers = new List<HttpStatusCode>();
        foreach (var (key, method, path, _) in calls)
        {
            using var response = await SendAsync(factory, key, method, path);
            answers.Add(response.StatusCode);
        }

        Assert.Equal(calls.Select(call => call.Expected), answers);
    }

    [Fact]
    public async Task A_device_id_hammered_by_the_app_key_gets_429_while_another_device_id_is_served()
    {
        await using var factory = await HostAsync("Development", Keys(("RateLimiting:DeviceBurst", "5"), ("RateLimiting:DevicePermitsPerSecond", "1")));
        var (hammered, other) = (TestData.NewId(), TestData.NewId());

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 12; i++)
        {
            answers.Add(await SendAsync(factory, AppKey, HttpMethod.Delete, $"/api/devices/{hammered}"));
        }

        using var otherDevice = await SendAsync(factory, AppKey, HttpMethod.Delete, $"/api/devices/{other}");

        Assert.Equal(HttpStatusCode.NoContent, answers[0].StatusCode);
        var limited = answers.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        await limited.AssertProblem(429);
        Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.NoContent, otherDevice.StatusCode);
    }

    // Before, each id had a bucket of its own, however long and however many: the app key could fill memory with them.
    [Fact]
    public async Task Paths_with_what_is_not_a_device_id_share_the_address_limit()
    {
        await using var factory = await HostAsync("Development", Keys(("RateLimiting:AnonymousPermitsPerSecond", "5")));

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            using var response = await SendAsync(factory, AppKey, HttpMethod.Delete, $"/api/devices/{new string('x', 200)}{i}");
            answers.Add(response.StatusCode);
        }

        Assert.Equal(HttpStatusCode.BadRequest, answers[0]);
        Assert.Contains(HttpStatusCode.TooManyRequests, answers);
    }

    // Before, every app-key PUT counted: an address whose creations were used up could not re-register its devices.
    [Fact]
    public async Task App_key_creations_from_one_address_beyond_its_limit_get_429_and_re_registrations_go_on()
    {
        await using var factory = await HostAsync("Development", Keys(("RateLimiting:AppCreationsPerMinute", "3")));
        var client = factory.CreateClient();
        var ids = Enumerable.Range(0, 5).Select(_ => TestData.NewId("create")).ToArray();

        var answers = new List<HttpResponseMessage>();
        foreach (var id in ids)
        {
            answers.Add(await client.SendAsync(Request(AppKey, HttpMethod.Put, $"/api/devices/{id}", new { fcmToken = TestData.NewToken(), platform = "android" })));
        }

        var secrets = new Dictionary<string, string>();
        foreach (var (id, created) in ids.Zip(answers).Where(answer => answer.Second.StatusCode == HttpStatusCode.Created))
        {
            secrets[id] = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("deviceSecret").GetString()!;
        }

        var again = new List<HttpStatusCode>();
        foreach (var (id, secret) in secrets)
        {
            var request = Request(AppKey, HttpMethod.Put, $"/api/devices/{id}", new { fcmToken = TestData.NewToken(), platform = "android" });
            request.Headers.Add("X-Device-Secret", secret);
            using var response = await client.SendAsync(request);
            again.Add(response.StatusCode);
        }

        using var admin = await client.SendAsync(Request(AdminKey, HttpMethod.Put, $"/api/devices/{TestData.NewId("create")}",
            new { fcmToken = TestData.NewToken(), platform = "android" }));

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests],
            answers.Select(answer => answer.StatusCode));
        await answers[3].AssertProblem(429);
        Assert.True(answers[3].Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], again);
        Assert.Equal(HttpStatusCode.Created, admin.StatusCode);
    }

    [Fact]
    public async Task Concurrent_app_key_creations_from_one_address_create_no_more_than_its_limit()
    {
        await using var factory = await HostAsync("Development", Keys(("RateLimiting:AppCreationsPerMinute", "3")));
        var client = factory.CreateClient();

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(async _ =>
        {
            using var response = await client.SendAsync(Request(AppKey, HttpMethod.Put, $"/api/devices/{TestData.NewId("race")}",
                new { fcmToken = TestData.NewToken(), platform = "android" }));
            return response.StatusCode;
        }));

        Assert.Equal(3, answers.Count(status => status == HttpStatusCode.Created));
        Assert.Equal(9, answers.Count(status => status == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task An_unreadable_body_from_a_client_that_accepts_no_json_is_a_400_and_logs_no_error()
    {
        await using var host = await HostAsync("Development", Keys());
        await using var factory = host.WithWebHostBuilder(web => web.ConfigureLogging(logging => logging.AddFakeLogging()));
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/devices/{TestData.NewId()}")
        {
            Content = new StringContent("{\"fcmToken\":", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Api-Key", AppKey);
        request.Headers.Accept.ParseAdd("text/html");

        using var response = await factory.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(factory.Services.GetFakeLogCollector().GetSnapshot(), record => record.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task Each_admin_key_has_a_rate_limit_of_its_own()
    {
        await using var factory = await HostAsync("Development",
            ("Parameters:admin-api-key", $"{AdminKey},{SecondAdminKey}"), ("Parameters:app-api-key", AppKey), ("RateLimiting:PermitsPerSecond", "5"));

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            using var response = await SendAsync(factory, AdminKey, HttpMethod.Get, "/api/devices?limit=1");
            answers.Add(response.StatusCode);
        }

        using var secondKey = await SendAsync(factory, SecondAdminKey, HttpMethod.Get, "/api/devices?limit=1");

        Assert.Equal(HttpStatusCode.OK, answers[0]);
        Assert.Contains(HttpStatusCode.TooManyRequests, answers);
        Assert.Equal(HttpStatusCode.OK, secondKey.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("too-short-key")]
    [InlineData(AdminKey + ", too-short-key")]
    [InlineData(AdminKey + ",," + SecondAdminKey)]
    public async Task Outside_development_a_missing_short_or_empty_key_stops_the_start(string? adminKey)
    {
        var settings = new List<(string, string)> { ("Parameters:app-api-key", AppKey), ("Parameters:identity-secret", IdentitySecret) };
        if (adminKey is not null)
        {
            settings.Add(("Parameters:admin-api-key", adminKey));
        }

        await using var factory = await HostAsync("Production", [.. settings]);
        var failure = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());
        Assert.Contains("admin-api-key", failure.Message);
        Assert.DoesNotContain(AppKey, failure.Message);
    }

    // Before, a batch size of 0 looped deleting nothing, an interval of 0 (or beyond the timers' 49 days) stopped the
    // host at the timer's first use, a rate limit of 0 made every call a 500 while /health stayed green, and a lock
    // timeout of 0 became Postgres's lock_timeout 0, which waits for a lock without end.
    [Theory]
    [InlineData("Retention:DeleteBatchSize", "0")]
    [InlineData("DeviceExpiry:Interval", "00:00:00")]
    [InlineData("DeviceExpiry:Interval", "31.00:00:00")]
    [InlineData("RateLimiting:PermitsPerSecond", "0")]
    [InlineData("RateLimiting:DevicePermitsPerSecond", "0")]
    [InlineData("RateLimiting:DeviceBurst", "0")]
    [InlineData("RateLimiting:AnonymousPermitsPerSecond", "-1")]
    [InlineData("TokenRefreshBatches:LockTimeout", "00:00:00")]
    public async Task A_setting_out_of_range_stops_the_start_and_is_named(string key, string value)
    {
        await using var factory = await HostAsync("Development", Keys((key, value)));

        var failure = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());
        Assert.Contains($"{key} must", failure.Message);
    }

    // A published deployment's Postgres container starts without the service databases: Aspire creates the databases
    // of AddDatabase only when it runs the app, not in what it publishes.
    [Fact]
    public async Task A_database_that_does_not_exist_yet_is_created_and_migrated_at_start()
    {
        var database = $"devices_{Guid.NewGuid():N}";
        var connectionString = new NpgsqlConnectionStringBuilder(await fixture.ConnectionStringOf("devicesdb")) { Database = database }.ConnectionString;
        try
        {
            await using var factory = await HostAsync("Development", Keys(("ConnectionStrings:devicesdb", connectionString)));
            using var devices = await SendAsync(factory, AdminKey, HttpMethod.Get, "/api/devices?limit=1");

            Assert.Equal(HttpStatusCode.OK, devices.StatusCode);
        }
        finally
        {
            await using var server = await fixture.DevicesDbAsync();
            await using var drop = server.CreateCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
            await drop.ExecuteNonQueryAsync();
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("too-short")]
    public async Task Outside_development_a_missing_or_short_identity_secret_stops_the_start(string? identitySecret)
    {
        var settings = new List<(string, string)> { ("Parameters:app-api-key", AppKey), ("Parameters:admin-api-key", "in-process-admin-key-0123456789") };
        if (identitySecret is not null)
        {
            settings.Add(("Parameters:identity-secret", identitySecret));
        }

        await using var factory = await HostAsync("Production", [.. settings]);
        var failure = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());
        Assert.Contains("identity-secret", failure.Message);
        Assert.DoesNotContain(identitySecret ?? "(none)", failure.Message);
    }
}
