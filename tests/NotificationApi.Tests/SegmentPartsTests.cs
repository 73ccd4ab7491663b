using System.Text.Json;
using Pushboard.Contracts;
using Pushboard.NotificationApi.Infrastructure;

namespace Pushboard.NotificationApi.Tests;

// The cut of a segment too large for one DeviceApi query: every part fits, each user id is in exactly one part, and every
// other condition is in each.
public sealed class SegmentPartsTests
{
    [Fact]
    public void A_segment_that_fits_is_one_part_as_given_and_no_segment_is_one_empty_part()
    {
        var segment = JsonSerializer.SerializeToElement(new { platform = new[] { "ios" }, tags = new { plan = "pro" } });

        Assert.Equal([segment.GetRawText()], SegmentParts.Of(segment).Select(part => part!.Value.GetRawText()));
        Assert.Equal([null], SegmentParts.Of(null));
    }

    [Fact]
    public void A_thousand_long_user_ids_are_cut_into_parts_that_fit_each_id_in_one_part_with_every_other_condition()
    {
        var userIds = Enumerable.Range(0, 1000).Select(i => $"user-{i:D4}-{new string('u', 240)}").ToList();
        var plans = Enumerable.Range(0, 20).Select(i => $"plan-{i:D3}").ToArray();
        var segment = JsonSerializer.SerializeToElement(new
        {
            platform = new[] { "ios" }, userIds = userIds.Concat(userIds.Take(10)), tags = new { plan = plans, region = "eu" },
            appVersion = new { min = "3.10" },
        });

        var parts = SegmentParts.Of(segment).Select(part => part!.Value).ToList();

        Assert.True(parts.Count > 1);
        Assert.All(parts, part =>
        {
            Assert.True(DeviceDirectory.QueryBody(new SegmentQuery(part, "cursor", DeviceDirectory.PageSize)).Length <= BodyLimits.DeviceApi);
            Assert.Equal(["ios"], Strings(part.GetProperty("platform")));
            Assert.Equal(plans, Strings(part.GetProperty("tags").GetProperty("plan")));
            Assert.Equal("eu", part.GetProperty("tags").GetProperty("region").GetString());
            Assert.Equal("3.10", part.GetProperty("appVersion").GetProperty("min").GetString());
        });
        Assert.Equal(userIds, parts.SelectMany(part => Strings(part.GetProperty("userIds"))));
        Assert.True(SegmentParts.CanFit(segment));
    }

    [Fact]
    public void A_segment_whose_other_conditions_alone_exceed_one_query_cannot_fit()
    {
        var segment = JsonSerializer.SerializeToElement(new
        {
            userIds = new[] { "u-1", "u-2" },
            tags = Enumerable.Range(0, 3).ToDictionary(key => $"k{key}", key => Enumerable.Range(0, 100).Select(i => $"{i}-{new string('v', 250)}")),
        });

        Assert.False(SegmentParts.CanFit(segment));
    }

    private static string[] Strings(JsonElement list) => [.. list.EnumerateArray().Select(value => value.GetString()!)];
}
