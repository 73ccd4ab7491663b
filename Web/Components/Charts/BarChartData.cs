using System.Globalization;
using Pushboard.Contracts.Stats;
using Pushboard.Web.Components.Shared;

namespace Pushboard.Web.Components.Charts;

// One series of a stacked bar chart; Key names its colour in app.css (.series-Key).
public sealed record ChartSeries(string Name, string Key, IReadOnlyList<double> Values);

// Stacked bars, one per label, oldest first.
public sealed record BarChartData(IReadOnlyList<string> Labels, IReadOnlyList<ChartSeries> Series)
{
    public double Stack(int index) => Series.Sum(series => series.Values[index]);

    public double Max => Labels.Count == 0 ? 0 : Enumerable.Range(0, Labels.Count).Max(Stack);

    public bool IsEmpty => Max <= 0;

    // Deliveries per minute by outcome: a bucket's count over the bucket's minutes (15 for the last 24 hours).
    public static BarChartData PerMinute(DeliveryStats stats)
    {
        var minutes = Math.Max(stats.BucketSeconds, 1) / 60.0;
        var labels = stats.Series.Select(bucket => bucket.At.ToUniversalTime().ToString(Formats.Clock, CultureInfo.InvariantCulture)).ToList();
        return new BarChartData(labels,
        [
            new ChartSeries("sent", "sent", [.. stats.Series.Select(bucket => bucket.Sent / minutes)]),
            new ChartSeries("failed", "failed", [.. stats.Series.Select(bucket => bucket.Failed / minutes)]),
            new ChartSeries("invalid token", "invalid_token", [.. stats.Series.Select(bucket => bucket.InvalidToken / minutes)]),
        ]);
    }

    public static BarChartData Daily(DeviceStats stats) =>
        new([.. stats.Daily.Select(day => day.Day.ToString("MM-dd"))],
        [
            new ChartSeries("registrations", "registrations", [.. stats.Daily.Select(day => (double)day.Registrations)]),
            new ChartSeries("token refreshes", "refreshes", [.. stats.Daily.Select(day => (double)day.TokenRefreshes)]),
            new ChartSeries("invalidations", "invalidations", [.. stats.Daily.Select(day => (double)day.Invalidations)]),
        ]);
}
