namespace Pushboard.NotificationApi.Infrastructure;

// Attempts: FCM tries in earlier passes (a delivery left pending by an outage).
public sealed record PendingDelivery(long Id, string? DeviceId, string? Topic, string? Token, DateTime? ScheduledFor, int Attempts = 0)
{
    // A local-time delivery at its moment, and one tried in an earlier pass, use their device as it is now: either may
    // have waited long enough for the device to be deleted, made inactive or given a new token.
    public bool ReadsDeviceAgain => DeviceId is not null && (ScheduledFor is not null || Attempts > 0);
}
