using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;
using Pushboard.NotificationApi.Fcm;
using Pushboard.Contracts;
using Pushboard.NotificationApi.Infrastructure;
using Pushboard.NotificationApi.Services;
using Pushboard.NotificationApi.Sending;
using Pushboard.ServiceDefaults;
using Pushboard.ServiceDefaults.ApiKeys;
using Pushboard.ServiceDefaults.Redis;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

public static class ApplicationServicesExtensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        // No EF retry strategy: while the database is down a request answers 503 at once (DatabaseOutageExceptionHandler)
        // instead of hanging through a minute of retries; the background loops retry on their own.
        builder.AddNpgsqlDbContext<NotificationsDbContext>("notificationsdb", settings =>
        {
            settings.DisableRetry = true;
            settings.ConnectionString = PreparedStatements(settings.ConnectionString);
        });
        builder.AddRedisClient("cache");
        builder.AddIdleConsumerCleanup(provider =>
            new StreamConsumerGroup(provider.GetRequiredService<IConnectionMultiplexer>(), WorkQueue.StreamName, WorkQueue.GroupName));
        builder.AddApiKeyAuthentication();

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<SendingOptions>().BindConfiguration(SendingOptions.Section)
            .Validate(sending => sending.StalledAfter > sending.LeaseDuration, "Sending:LeaseDuration must be shorter than Sending:StalledAfter.")
            .Validate(sending => ApiPatterns.IsTimeZone(sending.DefaultTimeZone),
                "Sending:DefaultTimeZone must be an IANA time-zone name of the server's tz database, e.g. UTC or Europe/Berlin.")
            .Validate(sending => sending.RetryMaxDelay >= sending.RetryBaseDelay, "Sending:RetryMaxDelay must be at least Sending:RetryBaseDelay.")
            .Validate(sending => sending.RetryAfterMax >= sending.RetryMaxDelay, "Sending:RetryAfterMax must be at least Sending:RetryMaxDelay.")
            .Positive("Sending:Workers", sending => sending.Workers)
            .Positive("Sending:Concurrency", sending => sending.Concurrency)
            .Positive("Sending:MaxAttempts", sending => sending.MaxAttempts)
            .Positive("Sending:PageSize", sending => sending.PageSize)
            .Positive("Sending:SweepBatchSize", sending => sending.SweepBatchSize)
            .Positive("Sending:SchedulerBatchSize", sending => sending.SchedulerBatchSize)
            .Positive("Sending:ScheduledSendSpan", sending => sending.ScheduledSendSpan)
            .Positive("Sending:IdlePoll", sending => sending.IdlePoll)
            .Positive("Sending:ErrorPause", sending => sending.ErrorPause)
            .Positive("Sending:RecordRetryPause", sending => sending.RecordRetryPause)
            .Positive("Sending:ClaimIdle", sending => sending.ClaimIdle)
            .Positive("Sending:LeaseDuration", sending => sending.LeaseDuration)
            .Positive("Sending:StalledAfter", sending => sending.StalledAfter)
            .Positive("Sending:SweepInterval", sending => sending.SweepInterval)
            .Positive("Sending:RetryBaseDelay", sending => sending.RetryBaseDelay)
            .Positive("Sending:RetryMaxDelay", sending => sending.RetryMaxDelay)
            .Positive("Sending:RetryAfterMax", sending => sending.RetryAfterMax)
            .Positive("Sending:SchedulerInterval", sending => sending.SchedulerInterval)
            .ValidateOnStart();
        services.AddOptions<FcmOptions>().BindConfiguration(FcmOptions.Section)
            .Validate(fcm => Uri.TryCreate(fcm.Endpoint, UriKind.Absolute, out var endpoint) && (endpoint.Scheme == Uri.UriSchemeHttps || endpoint.Scheme == Uri.UriSchemeHttp),
                "Fcm:Endpoint must be an absolute https URL (http for an emulator).")
            .NotNegative("Fcm:StopGrace", fcm => fcm.StopGrace)
            .Positive("Fcm:Timeout", fcm => fcm.Timeout)
            .Positive("Fcm:HealthCheckTimeout", fcm => fcm.HealthCheckTimeout)
            .Positive("Fcm:MaxConnections", fcm => fcm.MaxConnections)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<FcmOptions>, FcmServiceAccountValidator>();
        services.AddOptions<NotificationsOptions>().BindConfiguration(NotificationsOptions.Section)
            .Validate(notifications => notifications.IdempotencyWindow > TimeSpan.Zero, "Notifications:IdempotencyWindow must be positive.")
            .ValidateOnStart();
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section)
            .Validate(retention => retention.Notifications > TimeSpan.Zero, "Retention:Notifications must be positive.")
            .Positive("Retention:Interval", retention => retention.Interval)
            .Positive("Retention:DeleteBatchSize", retention => retention.DeleteBatchSize)
            .NotNegative("Retention:BatchPause", retention => retention.BatchPause)
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
            .Positive("DeferredEnqueue:Capacity", deferred => deferred.Capacity)
            .Positive("DeferredEnqueue:RetryAfter", deferred => deferred.RetryAfter)
            .ValidateOnStart();
        services.AddSingleton<DeferredEnqueuer>();
        services.AddHostedService(provider => provider.GetRequiredService<DeferredEnqueuer>());

        // FCM's own retry rules apply (DeliverySender). Its client is a plain HttpClient over one SocketsHttpHandler, outside
        // the client factory's defaults (resilience handler, service discovery, log scopes): those would run for every
        // send, a million for a million-device broadcast, for nothing (FCM's address is configured, the sender logs and
        // counts the outcomes). PooledConnectionLifetime does what the factory's handler rotation does for DNS changes.
        services.AddSingleton(provider =>
        {
            var fcm = provider.GetRequiredService<IOptions<FcmOptions>>().Value;
            var endpoint = new Uri(fcm.Endpoint);
            var http = new HttpClient(new SocketsHttpHandler
            {
                MaxConnectionsPerServer = fcm.MaxConnections,
                EnableMultipleHttp2Connections = true,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            {
                BaseAddress = endpoint,
                DefaultRequestVersion = HttpVersion.Version20,
                // FCM's v1 API is HTTP/2 (negotiated by TLS); a plain-http endpoint (the emulator) is spoken to with
                // HTTP/2 prior knowledge, so a broadcast multiplexes its sends over a few connections there too.
                DefaultVersionPolicy = endpoint.Scheme == Uri.UriSchemeHttp ? HttpVersionPolicy.RequestVersionExact : HttpVersionPolicy.RequestVersionOrLower,
                // FcmClient's own deadline (Fcm:Timeout) starts before a send waits for its turn to write headers.
                Timeout = Timeout.InfiniteTimeSpan,
            };
            return ActivatorUtilities.CreateInstance<FcmClient>(provider, http);
        });

        services.AddHttpClient<DeviceDirectory>((provider, http) =>
        {
            http.BaseAddress = new Uri(builder.Configuration["DeviceApi:BaseAddress"] ?? "https+http://deviceapi");
            http.DefaultRequestHeaders.Add(ApiHeaders.ApiKey,
                ApiKeyList.First(provider.GetRequiredService<IOptions<ApiKeyOptions>>().Value.AdminApiKey));
        });

        services.AddApiProblemDetails(BodyLimits.NotificationApi);
        services.AddOpenApi();
    }

    // The send path runs the same few statements for every page and chunk: each connection prepares them once (Postgres
    // then neither parses nor plans them again), and a connection going back to the pool is not reset (DISCARD ALL
    // would drop them; nothing here changes session state). Before, Postgres parsed and planned each statement anew.
    private static string? PreparedStatements(string? connectionString) =>
        connectionString is null
            ? null
            : new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true, MaxAutoPrepare = 32, AutoPrepareMinUsages = 2 }.ConnectionString;

    public static Task MigrateNotificationsDbAsync(this WebApplication app) => app.Services.MigrateDbContextAsync<NotificationsDbContext>();
}
