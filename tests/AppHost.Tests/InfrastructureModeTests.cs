using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Configuration;
using Pushboard.AppHost.Infrastructure;

namespace Pushboard.AppHost.Tests;

public sealed class InfrastructureModeTests
{
    // The runtime named is a program that does not exist, so the probe finds none whatever this host has: before, the
    // test asked this host's docker, and failed on a machine with a Docker engine.
    [Fact]
    public async Task Without_a_container_runtime_the_model_holds_no_containers()
    {
        var resources = await BuildModel("Infrastructure:PostgresBin=/usr/lib/postgresql/15/bin", "ASPIRE_CONTAINER_RUNTIME=/nonexistent-runtime");

        Assert.DoesNotContain(resources, resource => resource is ContainerResource);
        Assert.Contains(resources, resource => resource is ExecutableResource { Name: "postgres" });
        Assert.Contains(resources, resource => resource is ExecutableResource { Name: "redis" });
    }

    [Fact]
    public async Task Containers_mode_holds_postgres_and_redis_containers()
    {
        var resources = await BuildModel("Infrastructure:Mode=containers");

        Assert.Contains(resources, resource => resource is PostgresServerResource { Name: "postgres" });
        Assert.Contains(resources, resource => resource is RedisResource { Name: "cache" });
        Assert.Contains(resources, resource => resource is PostgresDatabaseResource { Name: "devicesdb" });
        Assert.Contains(resources, resource => resource is PostgresDatabaseResource { Name: "notificationsdb" });
        Assert.DoesNotContain(resources, resource => resource is ExecutableResource { Name: "postgres" or "redis" });
    }

    [Fact]
    public async Task Existing_mode_references_the_configured_connection_strings()
    {
        var resources = await BuildModel(
            "Infrastructure:Mode=existing",
            "ConnectionStrings:devicesdb=Host=db.example;Database=devicesdb",
            "ConnectionStrings:notificationsdb=Host=db.example;Database=notificationsdb",
            "ConnectionStrings:cache=cache.example:6380");

        Assert.DoesNotContain(resources, resource => resource is ContainerResource or ExecutableResource { Name: "postgres" or "redis" });
        Assert.Equal(
            ["cache", "devicesdb", "notificationsdb"],
            resources.OfType<IResourceWithConnectionString>().Select(resource => resource.Name).Order());
    }

    [Theory]
    [InlineData("containers", InfrastructureMode.Containers)]
    [InlineData("LOCAL", InfrastructureMode.Local)]
    [InlineData(" existing ", InfrastructureMode.Existing)]
    public void A_configured_mode_wins(string configured, InfrastructureMode expected)
    {
        var mode = InfrastructureModeSelector.Select(Configuration(("Infrastructure:Mode", configured)), isPublishMode: false, () => true);

        Assert.Equal(expected, mode);
    }

    [Theory]
    [InlineData(true, InfrastructureMode.Containers)]
    [InlineData(false, InfrastructureMode.Local)]
    public void The_container_runtime_decides_when_nothing_is_configured(bool runtimeHealthy, InfrastructureMode expected)
    {
        Assert.Equal(expected, InfrastructureModeSelector.Select(Configuration(), isPublishMode: false, () => runtimeHealthy));
    }

    [Fact]
    public void Configured_connection_strings_select_existing_servers()
    {
        var configuration = Configuration(
            ("ConnectionStrings:devicesdb", "Host=a"), ("ConnectionStrings:notificationsdb", "Host=a"), ("ConnectionStrings:cache", "a:6379"));

        Assert.Equal(InfrastructureMode.Existing, InfrastructureModeSelector.Select(configuration, isPublishMode: false, () => true));
    }

    [Fact]
    public void Publishing_always_uses_containers()
    {
        Assert.Equal(InfrastructureMode.Containers, InfrastructureModeSelector.Select(Configuration(), isPublishMode: true, () => false));
    }

    [Theory]
    [InlineData("kubernetes")]
    [InlineData("1")]
    public void An_unknown_mode_is_refused_with_the_valid_choices(string configured)
    {
        var error = Assert.Throws<AppHostConfigurationException>(
            () => InfrastructureModeSelector.Select(Configuration(("Infrastructure:Mode", configured)), isPublishMode: false, () => true));

        Assert.Contains("containers, local, existing", error.Message);
    }

    private static async Task<IReadOnlyList<IResource>> BuildModel(params string[] args)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [.. args, $"Infrastructure:DataPath={Path.Combine(Path.GetTempPath(), "pushboard-model-" + Guid.NewGuid().ToString("N"))}"]);
        return [.. builder.Resources];
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();
}
