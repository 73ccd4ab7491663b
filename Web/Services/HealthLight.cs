namespace Pushboard.Web.Services;

// One light of the Overview's health strip: the six parts an operator names (the Health page has the detail).
public sealed record HealthLight(string Part, PartState State, string Status)
{
    public static IReadOnlyList<HealthLight> Strip(IReadOnlyList<PartHealth> parts)
    {
        // Web answers this very request, so it is up; the two databases are one light, as bad as the worse of them
        // (an unhealthy one before an unknown one).
        var postgres = parts.Where(part => part.Part.StartsWith("Postgres", StringComparison.Ordinal)).ToList();
        var worstPostgres = postgres.MinBy(part => part.State switch { PartState.Unhealthy => 0, PartState.Unknown => 1, _ => 2 });
        return
        [
            new HealthLight("Web", PartState.Healthy, "Healthy"),
            Light("DeviceApi", parts),
            Light("NotificationApi", parts),
            worstPostgres is null ? Unknown("Postgres") : new HealthLight("Postgres", worstPostgres.State, worstPostgres.Status),
            Light("Redis", parts),
            Light("FCM", parts),
        ];
    }

    private static HealthLight Light(string name, IReadOnlyList<PartHealth> parts) =>
        parts.FirstOrDefault(part => part.Part == name) is { } part ? new HealthLight(name, part.State, part.Status) : Unknown(name);

    private static HealthLight Unknown(string name) => new(name, PartState.Unknown, "Unknown");
}
