namespace Pushboard.NotificationApi.Fcm;

public sealed class FcmOptions
{
    public const string Section = "Fcm";
    public const string MessagingScope = "https://www.googleapis.com/auth/firebase.messaging";

    public string? ServiceAccountJson { get; set; }
    public string? ProjectId { get; set; }
    public string Endpoint { get; set; } = "https://fcm.googleapis.com";
}
