using Pushboard.Contracts.Stats;
using Pushboard.Web.Components.Charts;

namespace Pushboard.Web.Tests;

public sealed class ChartTests : ConsoleContext
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(-3, 1)]
    [InlineData(0.3, 0.5)]
    [InlineData(7, 10)]
    [InlineData(10, 10)]
    [InlineData(11, 20)]
    [InlineData(450, 500)]
    [InlineData(5001, 10000)]
    public void The_axis_tops_out_at_a_round_number_at_or_above_the_highest_value(double max, double top) =>
        Assert.Equal(top, ChartScale.NiceTop(max), 9);

    [Fact]
    public void Bars_are_stacked_and_scaled_to_the_axis_top()
    {
        var data = new BarChartData(["12:00", "12:01"],
        [
            new ChartSeries("sent", "sent", [1, 3]),
            new ChartSeries("failed", "failed", [0, 1]),
        ]);

        var chart = Render<BarChart>(parameters => parameters
            .Add(p => p.Id, "c").Add(p => p.Title, "Deliveries").Add(p => p.Unit, "deliveries/min").Add(p => p.Data, data));

        // The highest stack is 4, so the axis tops out at 5 and a plot 100 high gives 20 per delivery.
        Assert.Equal("5", chart.Find(".chart-top").TextContent);
        var second = chart.FindAll("g.bar")[1];
        Assert.Equal(["60", "20"], second.QuerySelectorAll("rect").Select(rect => rect.GetAttribute("height")));
        Assert.Equal(["40", "20"], second.QuerySelectorAll("rect").Select(rect => rect.GetAttribute("y")));
        Assert.Equal("12:01: 3 sent, 1 failed", second.QuerySelector("title")!.TextContent);
        Assert.Equal("img", chart.Find("svg").GetAttribute("role"));
        Assert.Contains("the highest is 4 deliveries/min", chart.Find("svg desc").TextContent);
    }

    [Fact]
    public void A_chart_with_nothing_in_it_says_so_instead_of_drawing_bars()
    {
        var data = new BarChartData(["12:00"], [new ChartSeries("sent", "sent", [0])]);

        var chart = Render<BarChart>(parameters => parameters
            .Add(p => p.Id, "c").Add(p => p.Title, "Deliveries").Add(p => p.Unit, "deliveries/min").Add(p => p.Data, data)
            .Add(p => p.Empty, "No deliveries in this period."));

        Assert.Equal("No deliveries in this period.", chart.Find(".chart-empty").TextContent);
        Assert.Empty(chart.FindAll("svg"));
        Assert.Equal("true", chart.Find("figure").GetAttribute("data-empty"));
    }

    [Fact]
    public void Deliveries_per_minute_divide_each_bucket_by_its_minutes()
    {
        var at = new DateTime(2026, 12, 2, 10, 15, 0, DateTimeKind.Utc);
        var stats = new DeliveryStats(StatsWindow.LastDay, 900, at.AddHours(-24), at, new OutcomeCounts(30, 15, 3, 0), 0.3, 0.06,
            [new OutcomeBucket(at, 30, 15, 3, 0)], []);

        var data = BarChartData.PerMinute(stats);

        Assert.Equal(["10:15 UTC"], data.Labels);
        Assert.Equal([2.0, 1.0, 0.2], data.Series.Select(series => series.Values[0]));
    }
}
