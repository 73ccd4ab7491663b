namespace Pushboard.ServiceDefaults.ApiKeys;

public sealed class RateLimitingOptions
{
    public const string Section = "RateLimiting";

    // Requests per second per admin key (a token bucket that can burst one second's worth).
    public int PermitsPerSecond { get; set; } = 50_000;

    // App-key requests per second per device id (the {deviceId} route value): the app key is public, so the app's
    // callers share no bucket, and one install cannot starve the others.
    public int DevicePermitsPerSecond { get; set; } = 10;

    // The app-key requests one device id may make at once before DevicePermitsPerSecond paces it.
    public int DeviceBurst { get; set; } = 30;

    // Requests per second per client address for calls without a valid key, and for app-key calls that name no device.
    public int AnonymousPermitsPerSecond { get; set; } = 100;
}
