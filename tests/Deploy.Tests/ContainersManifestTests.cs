using System.Text.Json;

namespace Pushboard.Deploy.Tests;

public sealed class DefaultManifest : IAsyncLifetime
{
    public JsonElement Resources { get; private set; }

    public async Task InitializeAsync() => Resources = await PublishedManifest.PublishAsync();

    public Task DisposeAsync() => Task.CompletedTask;
}

// What `azd up` deploys when nothing is configured: Postgres and Redis as containers next to the three services.
public sealed class ContainersManifestTests(DefaultManifest manifest) : IClassFixture<DefaultManifest>
{
    private JsonElement Resources => manifest.Resources;

    [Fact]
    public void Postgres_is_a_container_that_holds_both_service_databases()
    {
        Assert.Equal("container.v0", Resources.TypeOf("postgres"));
        Assert.StartsWith("docker.io/library/postgres:", Resources.GetProperty("postgres").StringAt("image"));
        Assert.Equal("tcp", Resources.GetProperty("postgres").StringAt("bindings", "tcp", "scheme"));
        Assert.Equal("{postgres.connectionString};Database=devicesdb", Resources.GetProperty("devicesdb").StringAt("connectionString"));
        Assert.Equal("{postgres.connectionString};Database=notificationsdb", Resources.GetProperty("notificationsdb").StringAt("connectionString"));
    }

    [Fact]
    public void Postgres_gets_no_data_volume_because_container_apps_cannot_host_its_data_on_azure_files()
    {
        Assert.False(Resources.GetProperty("postgres").TryGetProperty("volumes", out _));
    }

    [Fact]
    public void Redis_is_a_persistent_container_named_cache()
    {
        var cache = Resources.GetProperty("cache");

        Assert.Equal("container.v0", Resources.TypeOf("cache"));
        Assert.StartsWith("docker.io/library/redis:", cache.StringAt("image"));
        Assert.Contains("--save", cache.StringAt("args"));
        Assert.Equal("/data", cache.GetProperty("volumes")[0].StringAt("target"));
    }

    [Theory]
    [InlineData("deviceapi", "DeviceApi/DeviceApi.csproj")]
    [InlineData("notificationapi", "NotificationApi/NotificationApi.csproj")]
    [InlineData("web", "Web/Web.csproj")]
    public void Each_service_is_a_project_reachable_from_outside_over_http(string name, string project)
    {
        var resource = Resources.GetProperty(name);
        var bindings = resource.GetProperty("bindings").EnumerateObject().ToDictionary(binding => binding.Name, binding => binding.Value);

        Assert.Equal("project.v0", Resources.TypeOf(name));
        Assert.EndsWith("/" + project, resource.StringAt("path"));
        Assert.Equal(["http", "https"], bindings.Keys.Order());
        Assert.All(bindings.Values, binding => Assert.Equal("true", binding.StringAt("external")));
        Assert.Equal("http", bindings["http"].StringAt("transport"));
    }

    [Fact]
    public void Only_the_three_services_are_reachable_from_outside()
    {
        var external = Resources.Resources()
            .Where(resource => resource.Resource.TryGetProperty("bindings", out var bindings)
                && bindings.EnumerateObject().Any(binding => binding.Value.StringAt("external") == "true"))
            .Select(resource => resource.Name)
            .Order();

        Assert.Equal(["deviceapi", "notificationapi", "web"], external);
    }

    // Aspire sets ASPNETCORE_FORWARDEDHEADERS_ENABLED on a published project unless told not to, and ASP.NET then
    // believes X-Forwarded-For from any client (it forgets the known proxies): a caller would choose its own rate-limit
    // bucket. Only the proxies of ProxyOptions are believed.
    [Fact]
    public void No_service_believes_forwarded_headers_from_any_client()
    {
        var projects = Resources.Resources().Where(resource => resource.Resource.StringAt("type") == "project.v0").ToList();

        Assert.NotEmpty(projects);
        Assert.All(projects, project => Assert.DoesNotContain("ASPNETCORE_FORWARDEDHEADERS_ENABLED", Resources.EnvironmentOf(project.Name).Keys));
    }

    // The sample answers without a key: a laptop's example, never part of a deployment.
    [Fact]
    public async Task The_sample_back_end_is_not_published_even_when_switched_on()
    {
        var resources = await PublishedManifest.PublishAsync(("Samples:OrderNotifier", "true"));

        Assert.False(resources.TryGetProperty("ordernotifier", out _));
        Assert.True(resources.TryGetProperty("notificationapi", out _));
    }

    [Theory]
    [InlineData("admin-api-key")]
    [InlineData("app-api-key")]
    [InlineData("identity-secret")]
    [InlineData("firebase-service-account")]
    public void Secrets_are_secret_parameters_without_a_default_so_the_deployment_must_supply_them(string name)
    {
        var input = Resources.GetProperty(name).GetProperty("inputs").GetProperty("value");

        Assert.Equal("parameter.v0", Resources.TypeOf(name));
        Assert.Equal("true", input.StringAt("secret"));
        Assert.False(input.TryGetProperty("default", out _), $"{name} must not have a generated or fixed default");
    }

    [Fact]
    public void The_services_get_their_connections_and_keys_from_the_model()
    {
        var deviceApi = Resources.EnvironmentOf("deviceapi");
        var notificationApi = Resources.EnvironmentOf("notificationapi");
        var web = Resources.EnvironmentOf("web");

        Assert.Equal("{devicesdb.connectionString}", deviceApi["ConnectionStrings__devicesdb"]);
        Assert.Equal("{cache.connectionString}", deviceApi["ConnectionStrings__cache"]);
        Assert.Equal("{notificationsdb.connectionString}", notificationApi["ConnectionStrings__notificationsdb"]);
        Assert.Equal("{cache.connectionString}", notificationApi["ConnectionStrings__cache"]);
        Assert.DoesNotContain("ConnectionStrings__notificationsdb", deviceApi.Keys);
        Assert.DoesNotContain("ConnectionStrings__devicesdb", notificationApi.Keys);
        foreach (var service in new[] { deviceApi, notificationApi })
        {
            Assert.Equal("{admin-api-key.value}", service["Parameters__admin-api-key"]);
            Assert.Equal("{app-api-key.value}", service["Parameters__app-api-key"]);
        }

        Assert.Equal("{admin-api-key.value}", web["Parameters__admin-api-key"]);
        Assert.DoesNotContain("Parameters__app-api-key", web.Keys);
        Assert.Equal("{identity-secret.value}", deviceApi["Parameters__identity-secret"]);
        Assert.DoesNotContain("Parameters__identity-secret", notificationApi.Keys);
        Assert.DoesNotContain("Parameters__identity-secret", web.Keys);
        Assert.Equal("{deviceapi.bindings.http.url}", notificationApi["services__deviceapi__http__0"]);
        Assert.Equal("{notificationapi.bindings.http.url}", web["services__notificationapi__http__0"]);
    }

    [Fact]
    public void Notifications_go_to_real_firebase_with_the_supplied_service_account()
    {
        var notificationApi = Resources.EnvironmentOf("notificationapi");

        Assert.Equal("{firebase-service-account.value}", notificationApi["Fcm__ServiceAccountJson"]);
        Assert.Equal("https://fcm.googleapis.com", notificationApi["Fcm__Endpoint"]);
        // Unknown when publishing: the service reads project_id from the service account it is given.
        Assert.DoesNotContain("Fcm__ProjectId", notificationApi.Keys);
    }

    [Fact]
    public void Nothing_local_is_published_no_emulator_no_executables_no_loopback_addresses()
    {
        Assert.False(Resources.TryGetProperty("fcm-emulator", out _));
        Assert.All(Resources.Resources(), resource =>
        {
            Assert.DoesNotContain("executable", resource.Resource.StringAt("type"));
            Assert.DoesNotContain("localhost", resource.Resource.GetRawText());
            Assert.DoesNotContain("127.0.0.1", resource.Resource.GetRawText());
        });
        Assert.Equal(
            ["cache", "deviceapi", "notificationapi", "postgres", "web"],
            Resources.Resources().Where(resource => resource.Resource.StringAt("type") is "container.v0" or "project.v0").Select(resource => resource.Name).Order());
    }
}
