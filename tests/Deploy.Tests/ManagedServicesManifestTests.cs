namespace Pushboard.Deploy.Tests;

// Infrastructure:Mode=existing when publishing: managed Azure Database for PostgreSQL / Azure Cache for Redis,
// whose connection strings azd asks for as secret parameters.
public sealed class ManagedServicesManifestTests
{
    [Fact]
    public async Task Existing_mode_publishes_the_connection_strings_as_secret_parameters_and_no_database_containers()
    {
        var resources = await PublishedManifest.PublishAsync(("Infrastructure:Mode", "existing"));

        foreach (var name in new[] { "devicesdb", "notificationsdb", "cache" })
        {
            var input = resources.GetProperty(name).GetProperty("inputs").GetProperty("value");
            Assert.Equal("parameter.v0", resources.TypeOf(name));
            Assert.Equal($"{{{name}.value}}", resources.GetProperty(name).StringAt("connectionString"));
            Assert.Equal("true", input.StringAt("secret"));
            Assert.False(input.TryGetProperty("default", out _));
        }

        Assert.DoesNotContain(resources.Resources(), resource => resource.Resource.StringAt("type") == "container.v0");
        Assert.Equal("{devicesdb.connectionString}", resources.EnvironmentOf("deviceapi")["ConnectionStrings__devicesdb"]);
        Assert.Equal("{cache.connectionString}", resources.EnvironmentOf("notificationapi")["ConnectionStrings__cache"]);
    }

    [Fact]
    public async Task Local_mode_cannot_be_published_and_says_so_in_one_line()
    {
        var result = await PublishedManifest.RunPublisherAsync(("Infrastructure:Mode", "local"));

        Assert.Equal(1, result.ExitCode);
        Assert.Null(result.Resources);
        Assert.Equal(
            "pushboard: Infrastructure:Mode 'local' runs servers on this machine and cannot be published: remove it to deploy Postgres and Redis containers, or use 'existing' for managed servers.",
            result.Stderr.Trim());
    }

    [Fact]
    public async Task A_service_account_given_when_publishing_must_be_a_firebase_service_account()
    {
        var result = await PublishedManifest.RunPublisherAsync(("Parameters:firebase-service-account", "not json"));

        Assert.Equal(1, result.ExitCode);
        Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.Contains("firebase-service-account is not a Firebase service-account JSON with a project_id", result.Stderr);
    }
}
