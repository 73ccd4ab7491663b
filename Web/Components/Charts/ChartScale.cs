namespace Pushboard.Web.Components.Charts;

public static class ChartScale
{
    // The top of the value axis: the smallest 1, 2 or 5 × 10^n at or above the largest value, so that the axis reads
    // a round number; 1 for a chart with nothing in it.
    public static double NiceTop(double max)
    {
        if (!(max > 0) || double.IsInfinity(max))
        {
            return 1;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(max)));
        foreach (var step in (ReadOnlySpan<double>)[1, 2, 5])
        {
            if (step * magnitude >= max)
            {
                return step * magnitude;
            }
        }

        return 10 * magnitude;
    }

    // How much of the plot's height a value takes under the given top, never below 0 nor above the plot.
    public static double Height(double value, double top, double plotHeight) =>
        top > 0 ? Math.Clamp(value / top, 0, 1) * plotHeight : 0;

    public static string Format(double value) =>
        value.ToString(value >= 100 || value == Math.Floor(value) ? "#,0" : "#,0.#", System.Globalization.CultureInfo.InvariantCulture);
}
