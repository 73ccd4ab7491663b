using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Pushboard.Contracts;
using Pushboard.DeviceApi.Apis;
using Pushboard.DeviceApi.Identity;
using Pushboard.DeviceApi.Infrastructure;
using Pushboard.DeviceApi.Services;
using Pushboard.ServiceDefaults;
using Pushboard.ServiceDefaults.ApiKeys;
using Pushboard.ServiceDefaults.Redis;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

public static class ApplicationServicesExtensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        // EF Core owns the schema (migrations) and the background jobs. The request paths run single SQL statements
        // through data sources of their own, prepared once per connection and without a session reset between commands
        // (they never change session state). Reads are multiplexed over a few connections. Writes get a plain pool:
        // a write can wait on a row lock (up to the deadlock timeout when devices fight over a token), and on a
        // multiplexed connection every command pipelined behind it would wait too.
        builder.AddNpgsqlDbContext<DevicesDbContext>("devicesdb");
        builder.AddNpgsqlDataSource("devicesdb", configureDataSourceBuilder: dataSource =>
        {
            dataSource.ConnectionStringBuilder.Multiplexing = builder.Configuration.GetValue("DeviceStore:Multiplexing", true);
            ConfigureRequestPath(dataSource.ConnectionStringBuilder);
        });
        builder.Services.AddKeyedSingleton(DeviceWriter.WritesKey, (provider, _) =>
        {
            var dataSource = new NpgsqlDataSourceBuilder(builder.Configuration.GetConnectionString("devicesdb"));
            ConfigureRequestPath(dataSource.ConnectionStringBuilder);
            return dataSource.UseLoggerFactory(provider.GetRequiredService<ILoggerFactory>()).Build();
        });
        builder.AddRedisClient("cache");
        builder.AddIdleConsumerCleanup(provider => new StreamConsumerGroup(provider.GetRequiredService<IConnectionMultiplexer>(),
            DeviceEventStream.Name, provider.GetRequiredService<IOptions<DeviceEventsOptions>>().Value.ConsumerGroup));

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<DeviceStore>();
        services.AddSingleton<DeviceWriter>();
        services.Configure<DeviceWriterOptions>(builder.Configuration.GetSection(DeviceWriterOptions.Section));
        services.AddOptions<TokenRefreshBatchOptions>().BindConfiguration(TokenRefreshBatchOptions.Section)
            .Validate(batches => batches.Capacity > 0 && batches.Writers > 0 && batches.MaxSize > 0,
                "TokenRefreshBatches:Capacity, Writers and MaxSize must be positive.")
            .Positive("TokenRefreshBatches:LockTimeout", batches => batches.LockTimeout)
            .ValidateOnStart();
        services.AddSingleton<TokenRefreshBatcher>();
        services.AddHostedService(provider => provider.GetRequiredService<TokenRefreshBatcher>());
        services.AddScoped<DeviceExpiry>();
        services.AddOptions<DeviceExpiryOptions>().BindConfiguration(DeviceExpiryOptions.Section)
            .Positive("DeviceExpiry:Interval", expiry => expiry.Interval, maxDays: 30)
            .ValidateOnStart();
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section)
            .Validate(retention => retention.DeviceStats >= RetentionOptions.MinDeviceStats,
                $"Retention:DeviceStats must be at least {RetentionOptions.MinDeviceStats.TotalDays:0} days: the device stats answer that many.")
            .Positive("Retention:DeleteBatchSize", retention => retention.DeleteBatchSize)
            .ValidateOnStart();
        services.AddOptions<DeviceStatsOptions>().BindConfiguration(DeviceStatsOptions.Section)
            .Validate(stats => stats.RegistryMaxAge > TimeSpan.Zero, "DeviceStats:RegistryMaxAge must be positive.")
            .ValidateOnStart();
        services.AddSingleton<DeviceStatsQueries>();
        services.AddSingleton<DeviceMetrics>();
        services.Configure<DeviceEventsOptions>(builder.Configuration.GetSection(DeviceEventsOptions.Section));
        services.AddHostedService<DeviceExpiryService>();
        services.AddHostedService<DeviceInvalidationConsumer>();

        builder.AddApiKeyAuthentication();
        services.AddOptions<IdentityOptions>().BindConfiguration(IdentityOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<IdentityOptions>, IdentityOptionsValidator>();
        services.AddSingleton<DeviceIdentity>();
        services.AddOptions<DeviceCreationLimitOptions>().BindConfiguration(DeviceCreationLimitOptions.Section)
            .Validate(limit => limit.AppCreationsPerMinute > 0, "RateLimiting:AppCreationsPerMinute must be positive.")
            .ValidateOnStart();
        services.AddSingleton<DeviceCreationLimit>();

        services.Configure<JsonOptions>(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, DeviceApiJsonContext.Default));
        services.AddApiProblemDetails(BodyLimits.DeviceApi);
        services.AddOpenApi();
    }

    private static void ConfigureRequestPath(NpgsqlConnectionStringBuilder connection)
    {
        connection.NoResetOnClose = true;
        connection.MaxAutoPrepare = 16;
        connection.AutoPrepareMinUsages = 2;
    }

    public static Task MigrateDevicesDbAsync(this WebApplication app) => app.Services.MigrateDbContextAsync<DevicesDbContext>();
}
