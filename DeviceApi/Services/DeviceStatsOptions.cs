namespace Pushboard.DeviceApi.Services;

public sealed class DeviceStatsOptions
{
    public const string Section = "DeviceStats";

    // How old the registry's counts by platform and status (a scan of every device) may be before a call to
    // GET /api/devices/stats counts them again, in the background; the call answers the previous counts meanwhile.
    public TimeSpan RegistryMaxAge { get; set; } = TimeSpan.FromSeconds(30);
}
