namespace Pushboard.Contracts;

// The request body limits of API.md (the limit itself allowed). A service calling another splits its requests to fit.
public static class BodyLimits
{
    public const int DeviceApi = 64 * 1024;
    public const int NotificationApi = 1024 * 1024;
}
