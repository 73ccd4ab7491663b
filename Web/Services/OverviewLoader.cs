using Microsoft.Extensions.Options;
using Pushboard.Contracts.Stats;

namespace Pushboard.Web.Services;

public sealed record OverviewData(
    Section<DeliveryStats> LastHour,
    Section<DeliveryStats> LastDay,
    Section<DeviceStats> Devices,
    Section<IReadOnlyList<ActiveNotification>> Active,
    IReadOnlyList<HealthLight> Health);

// Everything the Overview shows, asked of the services at once; each part stands alone.
public sealed class OverviewLoader(INotificationApiClient notifications, IDeviceApiClient devices, HealthProbe probe, IOptions<OverviewOptions> options, TimeProvider time)
{
    public async Task<OverviewData> LoadAsync(CancellationToken stopping)
    {
        using var timeout = new CancellationTokenSource(options.Value.SourceTimeout, time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping, timeout.Token);
        var cancellationToken = deadline.Token;
        var lastHour = Section<DeliveryStats>.LoadAsync("Deliveries (NotificationApi)", token => notifications.DeliveryStatsAsync(StatsWindow.LastHour, token), cancellationToken, stopping);
        var lastDay = Section<DeliveryStats>.LoadAsync("Deliveries (NotificationApi)", token => notifications.DeliveryStatsAsync(StatsWindow.LastDay, token), cancellationToken, stopping);
        var registry = Section<DeviceStats>.LoadAsync("The device registry (DeviceApi)", devices.StatsAsync, cancellationToken, stopping);
        var active = Section<IReadOnlyList<ActiveNotification>>.LoadAsync("Notifications in progress (NotificationApi)", notifications.ActiveAsync, cancellationToken, stopping);
        var health = probe.CheckAsync(stopping);
        return new OverviewData(await lastHour, await lastDay, await registry, await active, HealthLight.Strip(await health));
    }
}
