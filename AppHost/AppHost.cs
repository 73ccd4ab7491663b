using Pushboard.AppHost;
using Pushboard.AppHost.Infrastructure;

try
{
    var builder = DistributedApplication.CreateBuilder(args);

    var adminApiKey = builder.AddApiKeyParameter("admin-api-key");
    var appApiKey = builder.AddApiKeyParameter("app-api-key");
    // The key of the userIdHash an app's back end computes to vouch for a userId (API.md "Device identity").
    var identitySecret = builder.AddApiKeyParameter("identity-secret");

    // Postgres (devicesdb, notificationsdb) and Redis (cache): containers, local executables or existing servers.
    var infrastructure = builder.AddPushboardInfrastructure();

    // DisableForwardedHeaders on each published project: Aspire would set ASPNETCORE_FORWARDEDHEADERS_ENABLED when
    // publishing, with which ASP.NET believes X-Forwarded-For from any client; the services believe only the proxies of
    // ServiceDefaults' ProxyOptions.
    var deviceApi = builder.AddProject<Projects.DeviceApi>("deviceapi")
        .DisableForwardedHeaders()
        .WithInfrastructure(infrastructure.DevicesDb)
        .WithInfrastructure(infrastructure.Cache)
        .WithApiKeys(adminApiKey, appApiKey)
        .WithEnvironment("Parameters__identity-secret", identitySecret)
        .WithHttpHealthCheck("/health")
        .WithExternalHttpEndpoints();

    // NotificationApi does not wait for DeviceApi: it accepts notifications while DeviceApi is down.
    var notificationApi = builder.AddProject<Projects.NotificationApi>("notificationapi")
        .DisableForwardedHeaders()
        .WithInfrastructure(infrastructure.NotificationsDb)
        .WithInfrastructure(infrastructure.Cache)
        .WithReference(deviceApi)
        .WithApiKeys(adminApiKey, appApiKey)
        .WithFcm(builder.AddFcm())
        .WithHttpHealthCheck("/health")
        .WithExternalHttpEndpoints();

    // samples/OrderNotifier, only when asked (Samples:OrderNotifier=true) and never published: a back end sending
    // through Pushboard.Aspire.Client, whose endpoints answer without a key.
    if (builder.ExecutionContext.IsRunMode && builder.Configuration.GetValue<bool>("Samples:OrderNotifier"))
    {
        builder.AddProject<Projects.OrderNotifier>("ordernotifier")
            .WithReference(deviceApi)
            .WithReference(notificationApi)
            .WithEnvironment("Aspire__Pushboard__Client__ApiKey", adminApiKey)
            .WithEnvironment("Pushboard__IdentitySecret", identitySecret)
            .WithHttpHealthCheck("/health")
            .WithExternalHttpEndpoints();
    }

    builder.AddProject<Projects.Web>("web")
        .DisableForwardedHeaders()
        .WithReference(deviceApi)
        .WithReference(notificationApi)
        .WithEnvironment("Parameters__admin-api-key", adminApiKey)
        .WithHttpHealthCheck("/health")
        .WithExternalHttpEndpoints();

    builder.Build().Run();
    return 0;
}
catch (AppHostConfigurationException exception)
{
    Console.Error.WriteLine($"pushboard: {exception.Message}");
    return 1;
}
