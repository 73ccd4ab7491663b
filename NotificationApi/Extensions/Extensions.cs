using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Pushboard.NotificationApi.Fcm;
using Pushboard.Contracts;
using Pushboard.NotificationApi.Infrastructure;
using Pushboard.NotificationApi.Services;
using Pushboard.NotificationApi.Sending;
using Pushboard.ServiceDefaults;
using Pushboard.ServiceDefaults.ApiKeys;

namespace Microsoft.Extensions.Hosting;

public static class ApplicationServicesExtensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        // No EF retry strategy: while the database is down a request answers 503 at once (DatabaseOutageExceptionHandler)
        // instead of hanging through a minute of retries; the background loops retry on their own.
        builder.AddNpgsqlDbContext<NotificationsDbContext>("notificationsdb", settings => settings.DisableRetry = true);
        builder.AddRedisClient("cache");
        builder.AddApiKeyAuthentication();

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<SendingOptions>().BindConfiguration(SendingOptions.Section)
            .Validate(sending => sending.LeaseDuration > TimeSpan.Zero && sending.StalledAfter > sending.LeaseDuration,
                "Sending:LeaseDuration must be positive and shorter than Sending:StalledAfter.")
            .Validate(sending => ApiPatterns.IsTimeZone(sending.DefaultTimeZone),
                "Sending:DefaultTimeZone must be an IANA time-zone name of the server's tz database, e.g. UTC or Europe/Berlin.")
            .Validate(sending => sending.SchedulerInterval > TimeSpan.Zero && sending.SchedulerBatchSize > 0 && sending.ScheduledSendSpan > 0,
                "Sending:SchedulerInterval, SchedulerBatchSize and ScheduledSendSpan must be positive.")
            .ValidateOnStart();
        services.Configure<FcmOptions>(builder.Configuration.GetSection(FcmOptions.Section));
        services.Configure<NotificationsOptions>(builder.Configuration.GetSection(NotificationsOptions.Section));
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section)
            .Validate(retention => retention.Notifications > TimeSpan.Zero && retention.Interval > TimeSpan.Zero
                    && retention.DeleteBatchSize > 0 && retention.BatchPause >= TimeSpan.Zero,
                "Retention:Notifications, Interval and DeleteBatchSize must be positive, Retention:BatchPause not negative.")
            .Validate(retention => retention.DeliveryStats >= RetentionOptions.MinDeliveryStats,
                $"Retention:DeliveryStats must be at least {RetentionOptions.MinDeliveryStats.TotalHours:0} h: the 24 h stats window reads them.")
            .ValidateOnStart();
        services.AddScoped<NotificationQueries>();
        services.AddScoped<DeliveryStatsQueries>();
        services.AddScoped<NotificationSubmission>();
        services.AddScoped<NotificationCancellation>();
        services.AddScoped<ScheduledWorkStore>();
        services.AddSingleton<WorkQueue>();
        services.AddSingleton<FcmThrottle>();
        services.AddSingleton<FcmCredential>();
        services.AddHealthChecks().AddCheck<FcmHealthCheck>("fcm", HealthStatus.Degraded);
        services.AddSingleton<SendingMetrics>();
        services.AddSingleton<DeadTokenPublisher>();
        services.AddScoped<DeliveryStore>();
        services.AddScoped<DeliverySender>();
        services.AddSingleton<DeliveryLeaseKeeper>();
        services.AddScoped<WorkProcessor>();
        services.AddHostedService<NotificationWorker>();
        services.AddHostedService<StalledNotificationSweeper>();
        services.AddHostedService<NotificationScheduler>();
        services.AddScoped<NotificationRetention>();
        services.AddHostedService<NotificationRetentionService>();
        services.AddOptions<DeferredEnqueueOptions>().BindConfiguration(DeferredEnqueueOptions.Section)
            .Validate(deferred => deferred.Capacity > 0, "DeferredEnqueue:Capacity must be positive.")
            .ValidateOnStart();
        services.AddSingleton<DeferredEnqueuer>();
        services.AddHostedService(provider => provider.GetRequiredService<DeferredEnqueuer>());

        // FCM's own retry rules apply (DeliverySender), so this client has no generic resilience handler.
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is the documented opt-out from ConfigureHttpClientDefaults.
        services.AddHttpClient<FcmClient>((provider, http) =>
            {
                var fcm = provider.GetRequiredService<IOptions<FcmOptions>>().Value;
                http.BaseAddress = new Uri(fcm.Endpoint);
                http.DefaultRequestVersion = HttpVersion.Version20;
                // FCM's v1 API is HTTP/2 (negotiated by TLS); a plain-http endpoint (the emulator) is spoken to with
                // HTTP/2 prior knowledge, so a broadcast multiplexes its sends over a few connections there too.
                http.DefaultVersionPolicy = http.BaseAddress.Scheme == Uri.UriSchemeHttp
                    ? HttpVersionPolicy.RequestVersionExact
                    : HttpVersionPolicy.RequestVersionOrLower;
                http.Timeout = fcm.Timeout;
            })
            .ConfigurePrimaryHttpMessageHandler(provider => new SocketsHttpHandler
            {
                MaxConnectionsPerServer = provider.GetRequiredService<IOptions<FcmOptions>>().Value.MaxConnections,
                EnableMultipleHttp2Connections = true,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001

        services.AddHttpClient<DeviceDirectory>((provider, http) =>
        {
            http.BaseAddress = new Uri(builder.Configuration["DeviceApi:BaseAddress"] ?? "https+http://deviceapi");
            http.DefaultRequestHeaders.Add(ApiHeaders.ApiKey,
                ApiKeyList.First(provider.GetRequiredService<IOptions<ApiKeyOptions>>().Value.AdminApiKey));
        });

        services.AddApiProblemDetails(BodyLimits.NotificationApi);
        services.AddOpenApi();
    }

    public static Task MigrateNotificationsDbAsync(this WebApplication app) => app.Services.MigrateDbContextAsync<NotificationsDbContext>();
}
