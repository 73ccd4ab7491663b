namespace Pushboard.NotificationApi.Fcm;

public sealed class FcmOptions
{
    public const string Section = "Fcm";
    public const string MessagingScope = "https://www.googleapis.com/auth/firebase.messaging";

    public string? ServiceAccountJson { get; set; }
    public string? ProjectId { get; set; }
    public string Endpoint { get; set; } = "https://fcm.googleapis.com";

    // One send, from request to answer.
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    // How long a send already handed to FCM may still take to be answered once its sender is told to stop (the service
    // stops, or the lease of its page was lost): FCM answers in milliseconds, and a host is given 30 s to stop.
    public TimeSpan StopGrace { get; set; } = TimeSpan.FromSeconds(5);

    // How long /health waits for an access token before it reports FCM degraded: less than the console's wait for a
    // service's /health (Overview:SourceTimeout, 2.5 s), so that a token endpoint that hangs shows as FCM, not as
    // NotificationApi being down.
    public TimeSpan HealthCheckTimeout { get; set; } = TimeSpan.FromSeconds(2);

    // HTTP/2 connections to FCM; each carries up to the server's concurrent-stream limit of sends.
    public int MaxConnections { get; set; } = 512;
}
