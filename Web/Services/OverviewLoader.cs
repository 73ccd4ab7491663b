using Pushboard.Contracts.Stats;

namespace Pushboard.Web.Services;

public sealed record OverviewData(
    Section<DeliveryStats> LastHour,
    Section<DeliveryStats> LastDay,
    Section<DeviceStats> Devices,
    Section<IReadOnlyList<ActiveNotification>> Active,
    IReadOnlyList<HealthLight> Health);

// Everything the Overview shows, asked of the services at once; each part stands alone.
public sealed class OverviewLoader(INotificationApiClient notifications, IDeviceApiClient devices, HealthProbe probe)
{
    public async Task<OverviewData> LoadAsync(CancellationToken cancellationToken)
    {
        var lastHour = Section<DeliveryStats>.LoadAsync("Deliveries (NotificationApi)", token => notifications.DeliveryStatsAsync(StatsWindow.LastHour, token), cancellationToken);
        var lastDay = Section<DeliveryStats>.LoadAsync("Deliveries (NotificationApi)", token => notifications.DeliveryStatsAsync(StatsWindow.LastDay, token), cancellationToken);
        var registry = Section<DeviceStats>.LoadAsync("The device registry (DeviceApi)", devices.StatsAsync, cancellationToken);
        var active = Section<IReadOnlyList<ActiveNotification>>.LoadAsync("Notifications in progress (NotificationApi)", notifications.ActiveAsync, cancellationToken);
        var health = probe.CheckAsync(cancellationToken);
        return new OverviewData(await lastHour, await lastDay, await registry, await active, HealthLight.Strip(await health));
    }
}
