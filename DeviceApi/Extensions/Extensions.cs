using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pushboard.DeviceApi.Apis;
using Pushboard.DeviceApi.Infrastructure;
using Pushboard.DeviceApi.Services;
using Pushboard.ServiceDefaults;
using Pushboard.ServiceDefaults.ApiKeys;

namespace Microsoft.Extensions.Hosting;

public static class ApplicationServicesExtensions
{
    public const long MaxRequestBodyBytes = 64 * 1024;

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        // EF Core owns the schema (migrations) and the background jobs. The request paths run single SQL statements
        // through their own data source: multiplexed over a few connections, prepared once per connection, and without
        // a session reset between commands (they never change session state).
        builder.AddNpgsqlDbContext<DevicesDbContext>("devicesdb");
        builder.AddNpgsqlDataSource("devicesdb", configureDataSourceBuilder: dataSource =>
        {
            dataSource.ConnectionStringBuilder.Multiplexing = builder.Configuration.GetValue("DeviceStore:Multiplexing", true);
            dataSource.ConnectionStringBuilder.NoResetOnClose = true;
            dataSource.ConnectionStringBuilder.MaxAutoPrepare = 16;
            dataSource.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        });
        builder.AddRedisClient("cache");

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<DeviceStore>();
        services.AddScoped<DeviceExpiry>();
        services.Configure<DeviceExpiryOptions>(builder.Configuration.GetSection(DeviceExpiryOptions.Section));
        services.Configure<DeviceEventsOptions>(builder.Configuration.GetSection(DeviceEventsOptions.Section));
        services.AddHostedService<DeviceExpiryService>();
        services.AddHostedService<DeviceInvalidationConsumer>();

        builder.AddApiKeyAuthentication();

        services.Configure<JsonOptions>(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, DeviceApiJsonContext.Default));
        services.AddApiProblemDetails(MaxRequestBodyBytes);
        services.AddOpenApi();
    }

    public static Task MigrateDevicesDbAsync(this WebApplication app) => app.Services.MigrateDbContextAsync<DevicesDbContext>();
}
