using Microsoft.AspNetCore.Http.HttpResults;
using Pushboard.Contracts;
using Pushboard.Contracts.Stats;
using Pushboard.DeviceApi.Services;
using Pushboard.ServiceDefaults.ApiKeys;

namespace Pushboard.DeviceApi.Apis;

// The console's overview of the registry (admin only).
public static class DeviceStatsApi
{
    public static IEndpointRouteBuilder MapDeviceStatsApi(this IEndpointRouteBuilder app)
    {
        // A literal segment: routing prefers it to GET /api/devices/{deviceId}, so a device whose id is "stats" is read
        // through POST /api/devices/query (README).
        app.MapGet($"/api/devices/{ApiPatterns.StatsDeviceId}", GetDeviceStats)
            .RequireAuthorization(ApiKeyPolicies.Admin)
            .WithTags("Stats")
            .WithSummary("Devices by platform and by status (counted at most DeviceStats:RegistryMaxAge ago, see asOf), and registrations, token refreshes and invalidations per day over 30 days");
        return app;
    }

    public static async Task<Ok<DeviceStats>> GetDeviceStats(DeviceStatsQueries queries, CancellationToken cancellationToken) =>
        TypedResults.Ok(await queries.GetAsync(cancellationToken));
}
