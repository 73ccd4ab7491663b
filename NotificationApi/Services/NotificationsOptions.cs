namespace Pushboard.NotificationApi.Services;

public sealed class NotificationsOptions
{
    public const string Section = "Notifications";

    // How long an Idempotency-Key answers with the notification it first made.
    public TimeSpan IdempotencyWindow { get; set; } = TimeSpan.FromHours(24);
}
