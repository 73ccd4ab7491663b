namespace Pushboard.AppHost.Infrastructure;

public enum InfrastructureMode
{
    // AddPostgres/AddRedis containers with data volumes: the normal Aspire path and what azd deploys.
    Containers,
    // Debian's postgres and redis-server started by the AppHost as executables (no container runtime).
    Local,
    // Connection strings from configuration: a managed database or the user's own servers.
    Existing,
}

public static class InfrastructureModeSelector
{
    public const string ConfigurationKey = "Infrastructure:Mode";
    public static readonly string[] ConnectionNames = ["devicesdb", "notificationsdb", "cache"];

    public static InfrastructureMode Select(IConfiguration configuration, bool isPublishMode, Func<bool> containerRuntimeIsHealthy)
    {
        var configured = configuration[ConfigurationKey];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured.Trim().ToLowerInvariant() switch
            {
                "containers" => InfrastructureMode.Containers,
                "local" => InfrastructureMode.Local,
                "existing" => InfrastructureMode.Existing,
                _ => throw new AppHostConfigurationException(
                    $"{ConfigurationKey} is '{configured}', which is not one of: containers, local, existing. Fix it or remove it to choose automatically."),
            };
        }

        if (isPublishMode)
        {
            return InfrastructureMode.Containers;
        }

        if (ConnectionNames.All(name => !string.IsNullOrWhiteSpace(configuration.GetConnectionString(name))))
        {
            return InfrastructureMode.Existing;
        }

        return containerRuntimeIsHealthy() ? InfrastructureMode.Containers : InfrastructureMode.Local;
    }
}
