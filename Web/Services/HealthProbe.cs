using System.Net.Http.Json;
using Microsoft.Extensions.Options;

namespace Pushboard.Web.Services;

public sealed record PartHealth(string Part, PartState State, string Status, string? Description, double ResponseMs);

// Asks each API's /health and turns its entries into the parts an operator thinks of; a service that has not answered
// within Overview:SourceTimeout is shown down.
public sealed class HealthProbe(IHttpClientFactory clients, IOptions<OverviewOptions> options, TimeProvider time)
{
    public async Task<IReadOnlyList<PartHealth>> CheckAsync(CancellationToken cancellationToken)
    {
        var devices = CheckServiceAsync(HttpClientNames.DeviceApiHealth, cancellationToken);
        var notifications = CheckServiceAsync(HttpClientNames.NotificationApiHealth, cancellationToken);
        var (deviceApi, deviceReport) = await devices;
        var (notificationApi, notificationReport) = await notifications;
        return
        [
            deviceApi with { Part = "DeviceApi" },
            notificationApi with { Part = "NotificationApi" },
            Entry("Postgres (devicesdb)", deviceReport, "DevicesDbContext", deviceApi),
            Entry("Postgres (notificationsdb)", notificationReport, "NotificationsDbContext", notificationApi),
            Entry("Redis", notificationReport, "StackExchange.Redis", notificationApi),
            Entry("FCM", notificationReport, "fcm", notificationApi),
        ];
    }

    private async Task<(PartHealth Service, HealthReport? Report)> CheckServiceAsync(string clientName, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        try
        {
            using var timeout = new CancellationTokenSource(options.Value.SourceTimeout, time);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            using var response = await clients.CreateClient(clientName).GetAsync("/health", deadline.Token);
            var report = await response.Content.ReadFromJsonAsync<HealthReport>(deadline.Token);
            var elapsed = time.GetElapsedTime(started).TotalMilliseconds;
            var failing = report?.Entries?.Where(e => e.Value.Status != "Healthy").Select(e => $"{e.Key}: {e.Value.Description}").FirstOrDefault();
            return (new PartHealth(clientName, response.IsSuccessStatusCode ? PartState.Healthy : PartState.Unhealthy, report?.Status ?? "Unhealthy", failing, elapsed), report);
        }
        catch (Exception exception) when (ApiFailure.IsUnanswered(exception) || exception is OperationCanceledException or System.Text.Json.JsonException)
        {
            return (new PartHealth(clientName, PartState.Unhealthy, "Down", exception.Message, time.GetElapsedTime(started).TotalMilliseconds), null);
        }
    }

    private static PartHealth Entry(string part, HealthReport? report, string entry, PartHealth service)
    {
        if (report?.Entries?.TryGetValue(entry, out var health) != true)
        {
            return new PartHealth(part, PartState.Unknown, "Unknown", $"{service.Part} did not report it.", 0);
        }

        var healthy = health!.Status == "Healthy";
        return new PartHealth(part, healthy ? PartState.Healthy : PartState.Unhealthy, health.Status, healthy ? null : health.Description, health.DurationMs);
    }
}

public static class HttpClientNames
{
    public const string DeviceApiHealth = "deviceapi-health";
    public const string NotificationApiHealth = "notificationapi-health";
}
