namespace Pushboard.Client.Tests;

// The operations of the OpenAPI documents that the client and the .http files leave out, and why: the console's stats and
// DeviceApi's internal query are not part of API.md's public contract (docs/client.md).
internal static class PublicOperations
{
    public static readonly IReadOnlyDictionary<string, string[]> Internal = new Dictionary<string, string[]>
    {
        ["deviceapi"] =
        [
            "GET /api/devices/stats", // the console's device figures
            "POST /api/devices/query", // NotificationApi resolving its targets
        ],
        ["notificationapi"] =
        [
            "GET /api/deliveries", // the console's recent deliveries of one device
            "GET /api/deliveries/stats", // the console's delivery figures
            "GET /api/notifications/active", // the console's notifications in progress
        ],
    };

    public static IEnumerable<string> Of(OpenApiSpec spec, string service) => spec.Operations.Except(Internal[service]);
}
