using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Trace;
using Pushboard.Aspire.Client;
using Pushboard.Client;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers <see cref="PushboardClient"/> in an Aspire app, as Aspire's own client integrations do.</summary>
public static class PushboardClientHostingExtensions
{
    /// <summary>
    /// Registers <see cref="PushboardClient"/> (see <c>services.AddPushboardClient</c>) for the AppHost's <c>deviceapi</c> and
    /// <c>notificationapi</c>, found through service discovery (<c>https+http://name</c>), with the admin key from
    /// <c>Aspire:Pushboard:Client:ApiKey</c>, a health check named <c>Pushboard.Client</c> and the client's spans in tracing.
    /// </summary>
    /// <param name="builder">The host's builder.</param>
    /// <param name="configureSettings">Changes the settings after they were read from configuration (other resource names, the key).</param>
    /// <param name="configSectionPath">The configuration section of the settings.</param>
    public static PushboardClientBuilder AddPushboardClient(
        this IHostApplicationBuilder builder,
        Action<PushboardClientSettings>? configureSettings = null,
        string configSectionPath = PushboardClientSettings.DefaultConfigSectionName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = new PushboardClientSettings();
        builder.Configuration.GetSection(configSectionPath).Bind(settings);
        configureSettings?.Invoke(settings);
        if (string.IsNullOrWhiteSpace(settings.ApiKey))
        {
            throw new InvalidOperationException(
                $"Pushboard's admin key is missing: set {configSectionPath}:ApiKey (in the AppHost: .WithEnvironment(\"{configSectionPath.Replace(":", "__", StringComparison.Ordinal)}__ApiKey\", adminApiKey)).");
        }

        builder.Services.AddServiceDiscovery();
        var clients = builder.Services.AddPushboardClient(options =>
        {
            options.DeviceApiUrl = new Uri($"https+http://{settings.DeviceApiServiceName}");
            options.NotificationApiUrl = new Uri($"https+http://{settings.NotificationApiServiceName}");
            // A parameter listing several keys (during a rotation): the first, as the services' own calls use it.
            options.ApiKey = settings.ApiKey.Split(',')[0].Trim();
        });
        clients.DeviceApi.AddServiceDiscovery();
        clients.NotificationApi.AddServiceDiscovery();

        if (!settings.DisableHealthChecks)
        {
            builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
                "Pushboard.Client",
                provider => ActivatorUtilities.CreateInstance<PushboardHealthCheck>(provider),
                failureStatus: default,
                tags: default,
                timeout: settings.HealthCheckTimeout));
        }

        if (!settings.DisableTracing)
        {
            builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddSource(PushboardClient.ActivitySourceName));
        }

        return clients;
    }
}
