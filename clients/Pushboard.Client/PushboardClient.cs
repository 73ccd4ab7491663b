namespace Pushboard.Client;

/// <summary>Pushboard's two services for a back end: register <c>AddPushboardClient</c>, then inject this.</summary>
/// <param name="devices">DeviceApi's calls.</param>
/// <param name="notifications">NotificationApi's calls.</param>
public sealed class PushboardClient(DevicesClient devices, NotificationsClient notifications)
{
    /// <summary>The name of the <see cref="System.Diagnostics.ActivitySource"/> of the client's spans (one per call).</summary>
    public const string ActivitySourceName = PushboardCalls.ActivitySourceName;

    /// <summary>DeviceApi: register, refresh, get, list, update, delete and count devices; issue a device secret.</summary>
    public DevicesClient Devices { get; } = devices;

    /// <summary>NotificationApi: send, get, list and cancel notifications; list their deliveries.</summary>
    public NotificationsClient Notifications { get; } = notifications;
}
