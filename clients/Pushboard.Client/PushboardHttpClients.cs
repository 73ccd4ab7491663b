namespace Pushboard.Client;

/// <summary>The names of the two <see cref="System.Net.Http.IHttpClientFactory"/> clients <c>AddPushboardClient</c> registers.</summary>
public static class PushboardHttpClients
{
    /// <summary>The client that calls DeviceApi.</summary>
    public const string DeviceApi = "Pushboard.DeviceApi";

    /// <summary>The client that calls NotificationApi.</summary>
    public const string NotificationApi = "Pushboard.NotificationApi";
}
