using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Pushboard.NotificationApi.Fcm;

// FCM is reachable when the service account gets an access token (cached by Google.Apis.Auth between checks).
// Registered as Degraded: notifications are still accepted and wait while FCM is away.
public sealed class FcmHealthCheck(FcmCredential credential) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await credential.GetAccessTokenAsync(cancellationToken);
            return HealthCheckResult.Healthy("An FCM access token was obtained.");
        }
        catch (Exception exception) when (exception is HttpRequestException or InvalidOperationException
            or Google.Apis.Auth.OAuth2.Responses.TokenResponseException or TaskCanceledException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "No FCM access token: " + exception.Message);
        }
    }
}
