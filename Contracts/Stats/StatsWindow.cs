namespace Pushboard.Contracts.Stats;

// The windows the delivery stats answer for, with the width of their chart buckets.
public static class StatsWindow
{
    public const string LastHour = "1h";
    public const string LastDay = "24h";

    public static bool TryGet(string? window, out TimeSpan length, out TimeSpan bucket)
    {
        (length, bucket) = window switch
        {
            LastHour => (TimeSpan.FromHours(1), TimeSpan.FromMinutes(1)),
            LastDay => (TimeSpan.FromHours(24), TimeSpan.FromMinutes(15)),
            _ => (TimeSpan.Zero, TimeSpan.Zero),
        };
        return length > TimeSpan.Zero;
    }
}
