using System.Text.Json;
using Pushboard.Contracts;
using Pushboard.NotificationApi.Infrastructure;

namespace Pushboard.NotificationApi.Tests;

// The cut of a segment too large for one DeviceApi query: every part fits, the parts are disjoint, and together they are
// the segment.
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
    public void Long_lists_of_user_ids_and_tag_values_are_cut_into_parts_that_fit_and_keep_every_other_condition()
    {
        var userIds = Enumerable.Range(0, 1000).Select(i => $"user-{i:D4}-{new string('u', 240)}").ToArray();
        var plans = Enumerable.Range(0, 100).Select(i => $"plan-{i:D3}-{new string('p', 240)}").ToArray();
        var segment = JsonSerializer.SerializeToElement(new
        {
            platform = new[] { "ios" }, userIds, tags = new { plan = plans, region = "eu" }, appVersion = new { min = "3.10" },
        });

        var parts = SegmentParts.Of(segment).Select(part => part!.Value).ToList();

        Assert.True(parts.Count > 1);
        Assert.All(parts, part =>
        {
            Assert.True(DeviceDirectory.QueryBody(new SegmentQuery(part, "cursor", DeviceDirectory.PageSize)).Length <= BodyLimits.DeviceApi);
            Assert.Equal(["ios"], Strings(part.GetProperty("platform")));
            Assert.Equal("eu", part.GetProperty("tags").GetProperty("region").GetString());
            Assert.Equal("3.10", part.GetProperty("appVersion").GetProperty("min").GetString());
        });
        // Each pair of user ids and plans is in exactly one part.
        var pairs = parts.SelectMany(part => Strings(part.GetProperty("userIds"))
            .SelectMany(user => Strings(part.GetProperty("tags").GetProperty("plan")).Select(plan => (user, plan)))).ToList();
        Assert.Equal(userIds.Length * plans.Length, pairs.Count);
        Assert.Equal(pairs.Count, pairs.Distinct().Count());
    }

    private static string[] Strings(JsonElement list) => [.. list.EnumerateArray().Select(value => value.GetString()!)];
}
