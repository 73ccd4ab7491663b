using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Pushboard.NotificationApi.Fcm;

// FCM is reachable when the service account gets an access token (cached by Google.Apis.Auth between checks) within
// Fcm:HealthCheckTimeout. Registered as Degraded: notifications are still accepted and wait while FCM is away.
public sealed class FcmHealthCheck(FcmCredential credential, IOptions<FcmOptions> options, TimeProvider time) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = new CancellationTokenSource(options.Value.HealthCheckTimeout, time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await credential.GetAccessTokenAsync(deadline.Token);
            return HealthCheckResult.Healthy("An FCM access token was obtained.");
        }
        // Not logged as the token endpoint failing: only a send's deadline (Fcm:Timeout) says that, the health check's is
        // shorter. A caller's own cancel goes on.
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus,
                $"No FCM access token: the token endpoint did not answer within {options.Value.HealthCheckTimeout.TotalSeconds:0.###} s.");
        }
        catch (Exception exception) when (exception is HttpRequestException or InvalidOperationException
            or Google.Apis.Auth.OAuth2.Responses.TokenResponseException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "No FCM access token: " + exception.Message);
        }
    }
}
