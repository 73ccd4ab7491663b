using Microsoft.Extensions.Diagnostics.HealthChecks;
using Pushboard.Client;

namespace Pushboard.Aspire.Client;

// Healthy when both services answer their /health (which needs no key) with a success.
internal sealed class PushboardHealthCheck(IHttpClientFactory httpClients) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var unhealthy = new List<string>();
        foreach (var client in new[] { PushboardHttpClients.DeviceApi, PushboardHttpClients.NotificationApi })
        {
            try
            {
                using var response = await httpClients.CreateClient(client).GetAsync("/health", cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    unhealthy.Add($"{client}: {(int)response.StatusCode}");
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException)
            {
                unhealthy.Add($"{client}: {exception.Message}");
            }
        }

        return unhealthy.Count == 0
            ? HealthCheckResult.Healthy()
            : new HealthCheckResult(context.Registration.FailureStatus, "Pushboard is not healthy: " + string.Join("; ", unhealthy));
    }
}
