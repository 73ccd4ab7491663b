namespace Pushboard.DeviceApi.Services;

public sealed class DeviceExpiryOptions
{
    public const string Section = "DeviceExpiry";

    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);
}
