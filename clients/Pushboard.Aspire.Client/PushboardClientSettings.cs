namespace Pushboard.Aspire.Client;

/// <summary>
/// The settings of <c>builder.AddPushboardClient()</c>, bound from the configuration section <c>Aspire:Pushboard:Client</c>
/// (e.g. the environment variable <c>Aspire__Pushboard__Client__ApiKey</c>), then changed by the caller's delegate.
/// </summary>
public sealed class PushboardClientSettings
{
    /// <summary>The configuration section the settings are read from.</summary>
    public const string DefaultConfigSectionName = "Aspire:Pushboard:Client";

    /// <summary>DeviceApi's resource name in the AppHost, found through service discovery. Default <c>deviceapi</c>.</summary>
    public string DeviceApiServiceName { get; set; } = "deviceapi";

    /// <summary>NotificationApi's resource name in the AppHost. Default <c>notificationapi</c>.</summary>
    public string NotificationApiServiceName { get; set; } = "notificationapi";

    /// <summary>
    /// The admin key (the AppHost's <c>admin-api-key</c> parameter). Required. A value listing several keys separated by
    /// commas (a rotation) uses the first.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>True leaves out the health check that asks both services' <c>/health</c>.</summary>
    public bool DisableHealthChecks { get; set; }

    /// <summary>How long the health check waits for both services. Default 5 s.</summary>
    public TimeSpan HealthCheckTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>True leaves out the client's spans (<c>Pushboard.Client</c>) from OpenTelemetry tracing.</summary>
    public bool DisableTracing { get; set; }
}
