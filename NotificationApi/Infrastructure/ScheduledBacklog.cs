namespace Pushboard.NotificationApi.Infrastructure;

// Notifications waiting as scheduled, and scheduled work rows (a resolution, or one moment of a localTime notification).
public sealed record ScheduledBacklog(int Notifications, int WorkItems);
