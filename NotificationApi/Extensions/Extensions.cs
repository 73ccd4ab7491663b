using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pushboard.NotificationApi.Infrastructure;
using Pushboard.NotificationApi.Sending;
using Pushboard.ServiceDefaults.ApiKeys;

namespace Microsoft.Extensions.Hosting;

public static class ApplicationServicesExtensions
{
    public const long MaxRequestBodyBytes = 256 * 1024;

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDbContext<NotificationsDbContext>("notificationsdb");
        builder.AddRedisClient("cache");
        builder.AddApiKeyAuthentication();

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.Configure<SendingOptions>(builder.Configuration.GetSection(SendingOptions.Section));
        services.Configure<FcmOptions>(builder.Configuration.GetSection(FcmOptions.Section));
        services.AddSingleton<WorkQueue>();
        services.AddSingleton<FcmThrottle>();
        services.AddSingleton<FcmCredential>();
        services.AddSingleton<SendingMetrics>();
        services.AddSingleton<DeadTokenPublisher>();
        services.AddScoped<DeliveryStore>();
        services.AddScoped<DeliverySender>();
        services.AddScoped<WorkProcessor>();
        services.AddHostedService<NotificationWorker>();
        services.AddHostedService<StalledNotificationSweeper>();

        // FCM's own retry rules apply (DeliverySender), so this client has no generic resilience handler.
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is the documented opt-out from ConfigureHttpClientDefaults.
        services.AddHttpClient<FcmClient>((provider, http) =>
            {
                http.BaseAddress = new Uri(provider.GetRequiredService<IOptions<FcmOptions>>().Value.Endpoint);
                http.DefaultRequestVersion = HttpVersion.Version20;
                http.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower;
                http.Timeout = TimeSpan.FromSeconds(30);
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                MaxConnectionsPerServer = 512,
                EnableMultipleHttp2Connections = true,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001

        services.AddHttpClient<DeviceDirectory>((provider, http) =>
        {
            http.BaseAddress = new Uri(builder.Configuration["DeviceApi:BaseAddress"] ?? "https+http://deviceapi");
            http.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.HeaderName,
                provider.GetRequiredService<IOptions<ApiKeyOptions>>().Value.AdminApiKey ?? "");
        });

        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
            context.ProblemDetails.Detail ??= DefaultDetail(context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode));
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = false);
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        services.AddOpenApi();
    }

    public static async Task MigrateNotificationsDbAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<NotificationsDbContext>().Database.MigrateAsync();
    }

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
