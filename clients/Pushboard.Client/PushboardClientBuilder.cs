using Microsoft.Extensions.DependencyInjection;

namespace Pushboard.Client;

/// <summary>The two HTTP clients <c>AddPushboardClient</c> registered, to add handlers or change their resilience.</summary>
/// <param name="DeviceApi">The client of DeviceApi.</param>
/// <param name="NotificationApi">The client of NotificationApi.</param>
public sealed record PushboardClientBuilder(IHttpClientBuilder DeviceApi, IHttpClientBuilder NotificationApi);
