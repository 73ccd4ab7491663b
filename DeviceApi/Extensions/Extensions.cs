using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pushboard.DeviceApi.Apis;
using Pushboard.DeviceApi.Infrastructure;
using Pushboard.DeviceApi.Services;
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
        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
            context.ProblemDetails.Detail ??= DefaultDetail(context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode));
        // Unreadable bodies answer 400/413/415 in every environment (Development would otherwise throw them as 500s).
        services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = false);
        services.Configure<KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        services.AddOpenApi();
    }

    public static async Task MigrateDevicesDbAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DevicesDbContext>().Database.MigrateAsync();
    }

    // What the framework's own error answers (which carry no detail) tell the client.
    private static string DefaultDetail(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "The request could not be read: the body must be JSON of the documented shape.",
        StatusCodes.Status404NotFound => "There is no such resource.",
        StatusCodes.Status405MethodNotAllowed => "This resource does not support this HTTP method.",
        StatusCodes.Status413PayloadTooLarge => $"The request body exceeds {MaxRequestBodyBytes / 1024} KB.",
        StatusCodes.Status415UnsupportedMediaType => "The request body must be application/json.",
        _ => "The request failed.",
    };
}
