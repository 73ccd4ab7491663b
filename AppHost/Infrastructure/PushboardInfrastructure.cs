namespace Pushboard.AppHost.Infrastructure;

// A connection the services reference by name, and the resource that must be ready before they start (none for existing servers).
internal sealed record InfrastructureConnection(
    IResourceBuilder<IResourceWithConnectionString> ConnectionString,
    IResourceBuilder<IResource>? ReadyWhen);

internal sealed record PushboardInfrastructure(
    InfrastructureConnection DevicesDb,
    InfrastructureConnection NotificationsDb,
    InfrastructureConnection Cache);

internal static class PushboardInfrastructureExtensions
{
    public static PushboardInfrastructure AddPushboardInfrastructure(this IDistributedApplicationBuilder builder)
    {
        var mode = InfrastructureModeSelector.Select(
            builder.Configuration,
            builder.ExecutionContext.IsPublishMode,
            () => ContainerRuntimeProbe.IsHealthy(builder.Configuration));

        if (mode == InfrastructureMode.Local && builder.ExecutionContext.IsPublishMode)
        {
            throw new AppHostConfigurationException(
                "Infrastructure:Mode 'local' runs servers on this machine and cannot be published: remove it to deploy Postgres and Redis containers, or use 'existing' for managed servers.");
        }

        if (mode == InfrastructureMode.Local)
        {
            return OperatingSystem.IsLinux()
                ? builder.AddLocalInfrastructure()
                : throw new AppHostConfigurationException("local mode runs Debian's postgres and redis-server and needs Linux: use Infrastructure:Mode=containers or existing.");
        }

        return mode == InfrastructureMode.Containers ? AddContainers(builder) : AddExisting(builder);
    }

    public static IResourceBuilder<ProjectResource> WithInfrastructure(
        this IResourceBuilder<ProjectResource> project, InfrastructureConnection connection)
    {
        project.WithReference(connection.ConnectionString);
        return connection.ReadyWhen is null ? project : project.WaitFor(connection.ReadyWhen);
    }

    private static PushboardInfrastructure AddContainers(IDistributedApplicationBuilder builder)
    {
        var postgres = builder.AddPostgres("postgres");
        // Azure Container Apps mounts volumes from Azure Files (SMB), where postgres cannot own its data directory;
        // a published app keeps durable data in a managed server instead (Infrastructure:Mode=existing).
        if (builder.ExecutionContext.IsRunMode)
        {
            postgres.WithDataVolume();
        }

        var devicesDb = postgres.AddDatabase("devicesdb");
        var notificationsDb = postgres.AddDatabase("notificationsdb");
        var cache = builder.AddRedis("cache").WithDataVolume().WithPersistence();

        return new PushboardInfrastructure(
            new(devicesDb, devicesDb),
            new(notificationsDb, notificationsDb),
            new(cache, cache));
    }

    private static PushboardInfrastructure AddExisting(IDistributedApplicationBuilder builder)
    {
        // When publishing, the connection strings become secret parameters that the deployment tool asks for.
        foreach (var name in builder.ExecutionContext.IsRunMode ? InfrastructureModeSelector.ConnectionNames : [])
        {
            if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(name)))
            {
                throw new AppHostConfigurationException(
                    $"Infrastructure mode 'existing' needs ConnectionStrings:{name}; set it (e.g. dotnet user-secrets set ConnectionStrings:{name} \"...\" --project AppHost).");
            }
        }

        return new PushboardInfrastructure(
            new(builder.AddConnectionString("devicesdb"), null),
            new(builder.AddConnectionString("notificationsdb"), null),
            new(builder.AddConnectionString("cache"), null));
    }
}
