namespace Pushboard.Contracts.Stats;

// GET /api/notifications/active (NotificationApi, admin): notifications in progress (`sending`, or `scheduled` with
// deliveries already made), newest first. Final = every delivery that ended (sent, failed, invalid token, canceled);
// PerSecond = final deliveries per second over the last minute.
public sealed record ActiveNotification(
    Guid Id,
    string Status,
    DateTime CreatedAt,
    long Targeted,
    long Final,
    double PerSecond);
