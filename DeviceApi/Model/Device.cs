namespace Pushboard.DeviceApi.Model;

// One app installation and the FCM token it last registered.
public sealed class Device
{
    public required string DeviceId { get; set; }
    public string? FcmToken { get; set; }
    public required string Platform { get; set; }
    public string? UserId { get; set; }
    public string? AppVersion { get; set; }
    public string? Locale { get; set; }
    public string? TimeZone { get; set; }

    // The app's own labels for targeting, e.g. { "plan": "pro" }; empty when it has none.
    public Dictionary<string, string> Tags { get; set; } = [];
    public required string Status { get; set; }
    public string? InvalidReason { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime TokenUpdatedAt { get; set; }
    public DateTime LastSeenAt { get; set; }

    // SHA-256 of the device secret (API.md "Device identity"); null until the device is claimed.
    public byte[]? SecretHash { get; set; }

    public bool HasSecret => SecretHash is not null;
}
