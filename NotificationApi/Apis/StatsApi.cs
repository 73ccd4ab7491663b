using Microsoft.AspNetCore.Http.HttpResults;
using Pushboard.Contracts.Stats;
using Pushboard.NotificationApi.Services;
using Pushboard.ServiceDefaults.ApiKeys;

namespace Pushboard.NotificationApi.Apis;

// The console's overview: delivery outcomes over a window and the notifications in progress (admin only).
public static class StatsApi
{
    public static IEndpointRouteBuilder MapStatsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireAuthorization(ApiKeyPolicies.Admin).WithTags("Stats");

        api.MapGet("/deliveries/stats", GetDeliveryStats)
            .WithSummary("Delivery outcomes per minute (window=1h) or per quarter hour (window=24h), with rates and the top error codes");
        // A literal segment: routing prefers it to /api/notifications/{id}, which is never a notification id "active".
        api.MapGet("/notifications/active", ListActiveNotifications)
            .WithSummary("The newest notifications in progress, with their progress and rate over the last minute");

        return app;
    }

    public static async Task<Results<Ok<DeliveryStats>, ValidationProblem>> GetDeliveryStats(
        string? window, DeliveryStatsQueries queries, CancellationToken cancellationToken)
    {
        if (!StatsWindow.TryGet(window, out var length, out var bucket))
        {
            var message = $"window must be {StatsWindow.LastHour} or {StatsWindow.LastDay}.";
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["window"] = [message] }, detail: message);
        }

        return TypedResults.Ok(await queries.OutcomesAsync(window!, length, bucket, cancellationToken));
    }

    public static async Task<Ok<List<ActiveNotification>>> ListActiveNotifications(DeliveryStatsQueries queries, CancellationToken cancellationToken) =>
        TypedResults.Ok(await queries.ActiveAsync(cancellationToken));
}
