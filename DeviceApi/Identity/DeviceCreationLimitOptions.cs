namespace Pushboard.DeviceApi.Identity;

public sealed class DeviceCreationLimitOptions
{
    public const string Section = "RateLimiting";

    // Devices the app key may create per minute per client address, also the burst (API.md: at least 600 a minute).
    public int AppCreationsPerMinute { get; set; } = 600;
}
