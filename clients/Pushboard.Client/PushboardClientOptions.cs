namespace Pushboard.Client;

/// <summary>Where the two Pushboard services listen and the key the client sends.</summary>
public sealed class PushboardClientOptions
{
    /// <summary>DeviceApi's base address, e.g. <c>http://localhost:5101</c> (or <c>https+http://deviceapi</c> with service discovery).</summary>
    public Uri? DeviceApiUrl { get; set; }

    /// <summary>NotificationApi's base address, e.g. <c>http://localhost:5102</c> (or <c>https+http://notificationapi</c>).</summary>
    public Uri? NotificationApiUrl { get; set; }

    /// <summary>
    /// The admin key (AppHost parameter <c>admin-api-key</c>), sent as <c>X-Api-Key</c>. A back end needs the admin key: the
    /// app key may only write devices whose secret it holds.
    /// </summary>
    public string? ApiKey { get; set; }
}
