using Microsoft.Extensions.Options;
using Pushboard.Client;
using Pushboard.Contracts;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="PushboardClient"/> in any host.</summary>
public static class PushboardClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="PushboardClient"/>, <see cref="DevicesClient"/> and <see cref="NotificationsClient"/> over two
    /// <see cref="IHttpClientFactory"/> clients (<see cref="PushboardHttpClients"/>) with the standard resilience handler:
    /// retries of 408, 429, 5xx and transient network errors honouring <c>Retry-After</c>, a circuit breaker and timeouts.
    /// A resilience handler that <c>ConfigureHttpClientDefaults</c> added (Aspire's service defaults) is replaced, so a call is
    /// not retried by two handlers.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configure">Sets the services' addresses and the admin key; checked when the client is first resolved.</param>
    public static PushboardClientBuilder AddPushboardClient(this IServiceCollection services, Action<PushboardClientOptions> configure)
    {
        services.AddOptions<PushboardClientOptions>().Configure(configure)
            .Validate(options => options.DeviceApiUrl is { IsAbsoluteUri: true }, "Pushboard's DeviceApiUrl must be an absolute URL.")
            .Validate(options => options.NotificationApiUrl is { IsAbsoluteUri: true }, "Pushboard's NotificationApiUrl must be an absolute URL.")
            .Validate(options => !string.IsNullOrWhiteSpace(options.ApiKey), "Pushboard's ApiKey (the admin key) is required.");
        services.AddTransient<PushboardClient>();
        var deviceApi = services.AddHttpClient<DevicesClient>(PushboardHttpClients.DeviceApi, (provider, http) =>
            Configure(http, provider, options => options.DeviceApiUrl!));
        var notificationApi = services.AddHttpClient<NotificationsClient>(PushboardHttpClients.NotificationApi, (provider, http) =>
            Configure(http, provider, options => options.NotificationApiUrl!));
        foreach (var client in new[] { deviceApi, notificationApi })
        {
            // Experimental in Microsoft.Extensions.Http.Resilience, and the documented way to replace the handler that
            // ConfigureHttpClientDefaults added; without it every attempt of ours would be retried again by that one.
#pragma warning disable EXTEXP0001
            client.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
            client.AddStandardResilienceHandler();
        }

        return new PushboardClientBuilder(deviceApi, notificationApi);
    }

    private static void Configure(HttpClient http, IServiceProvider provider, Func<PushboardClientOptions, Uri> address)
    {
        var options = provider.GetRequiredService<IOptions<PushboardClientOptions>>().Value;
        http.BaseAddress = address(options);
        http.DefaultRequestHeaders.Add(ApiHeaders.ApiKey, options.ApiKey);
    }
}
