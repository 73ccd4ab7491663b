namespace Pushboard.Web.Services;

// One light of the Overview's health strip: the six parts an operator names (the Health page has the detail).
public sealed record HealthLight(string Part, bool Healthy, string Status)
{
    public static IReadOnlyList<HealthLight> Strip(IReadOnlyList<PartHealth> parts)
    {
        // Web answers this very request, so it is up; the two databases are one light, as bad as the worse of them.
        var postgres = parts.Where(part => part.Part.StartsWith("Postgres", StringComparison.Ordinal)).ToList();
        return
        [
            new HealthLight("Web", true, "Healthy"),
            Light("DeviceApi", parts),
            Light("NotificationApi", parts),
            new HealthLight("Postgres", postgres.Count > 0 && postgres.All(part => part.Healthy),
                postgres.FirstOrDefault(part => !part.Healthy)?.Status ?? (postgres.Count > 0 ? "Healthy" : "Unknown")),
            Light("Redis", parts),
            Light("FCM", parts),
        ];
    }

    private static HealthLight Light(string name, IReadOnlyList<PartHealth> parts) =>
        parts.FirstOrDefault(part => part.Part == name) is { } part
            ? new HealthLight(name, part.Healthy, part.Status)
            : new HealthLight(name, false, "Unknown");
}
