using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Pushboard.Contracts;
using Pushboard.Contracts.Segments;

namespace Pushboard.DeviceApi.Tests;

// The pure logic of Contracts/Segments: the app-version order of API.md and the segment rules.
public sealed class SegmentRulesTests
{
    [Theory]
    [InlineData("3.10.0", "3.9.1", 1)]
    [InlineData("3.1", "3.1.0", 0)]
    [InlineData("3", "3.0.0", 0)]
    [InlineData("3.1.0+build.5", "3.1.0", 0)]
    [InlineData("03.01", "3.1", 0)]
    [InlineData("3.10.0-beta", "3.10.0", -1)]
    [InlineData("3.10.0-beta.2", "3.10.0-beta.10", -1)]
    [InlineData("3.10.0-alpha", "3.10.0-alpha.1", -1)]
    [InlineData("3.10.0-1", "3.10.0-alpha", -1)]
    [InlineData("3.10.0-rc.1", "3.9.9", 1)]
    [InlineData("99999999999999999999", "9999999999999999999", 1)]
    public void Versions_compare_as_api_md_says(string a, string b, int expected)
    {
        Assert.Equal(expected, Math.Sign(Parse(a).CompareTo(Parse(b))));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("v3")]
    [InlineData("3.")]
    [InlineData("1.2.3.4")]
    [InlineData("3.1-")]
    [InlineData("3.1-beta..1")]
    [InlineData("3.1\n")]
    [InlineData("٣.١")]
    public void What_is_not_a_version_does_not_parse(string? value) => Assert.False(AppVersion.TryParse(value, out _));

    private static Gen<string> Versions =>
        from numbers in Gen.Choose(0, 12).ListOf().Where(list => list.Count is >= 1 and <= 3)
        from preRelease in Gen.Elements("", "-alpha", "-beta.2", "-beta.10", "-rc.1", "-1")
        from build in Gen.Elements("", "+b7")
        select string.Join('.', numbers) + preRelease + build;

    [Property]
    public Property The_order_is_antisymmetric_and_transitive() =>
        Prop.ForAll(Versions.Three().ToArbitrary(), versions =>
        {
            var (a, b, c) = (Parse(versions.Item1), Parse(versions.Item2), Parse(versions.Item3));
            var antisymmetric = Math.Sign(a.CompareTo(b)) == -Math.Sign(b.CompareTo(a));
            var transitive = !(a.CompareTo(b) <= 0 && b.CompareTo(c) <= 0) || a.CompareTo(c) <= 0;
            return antisymmetric && transitive;
        });

    [Property]
    public Property A_missing_number_counts_as_0_and_a_pre_release_sorts_before_its_release() =>
        Prop.ForAll(Gen.Choose(0, 50).Two().ToArbitrary(), numbers =>
        {
            var (major, minor) = numbers;
            return Parse($"{major}.{minor}").CompareTo(Parse($"{major}.{minor}.0")) == 0
                && Parse($"{major}.{minor}.0-rc.1").CompareTo(Parse($"{major}.{minor}")) < 0
                && Parse($"{major}.{minor}.1-alpha").CompareTo(Parse($"{major}.{minor}")) > 0;
        });

    [Theory]
    [InlineData("""{}""", "s")]
    [InlineData("""{"platform":null}""", "s")]
    [InlineData("""{"color":"red"}""", "s.color")]
    [InlineData("""{"appVersion":{"min":"2","max":"1.9"}}""", "s.appVersion")]
    [InlineData("""{"appVersion":{"min":"2","newest":"3"}}""", "s.appVersion.newest")]
    [InlineData("""{"appVersion":{}}""", "s.appVersion")]
    [InlineData("""{"lastSeenWithinDays":1.5}""", "s.lastSeenWithinDays")]
    [InlineData("""{"tags":{}}""", "s.tags")]
    [InlineData("""[]""", "s")]
    [InlineData("""{"platform":["ios"],"platform":["web"]}""", "s.platform")]
    [InlineData("""{"appVersion":{"min":"2","min":"3"}}""", "s.appVersion.min")]
    [InlineData("""{"tags":{"plan":"pro","plan":"free"}}""", "s.tags.plan")]
    public void Bad_segments_are_refused_naming_the_field(string json, string field)
    {
        var errors = new List<string>();
        Assert.Null(SegmentRules.Read(JsonDocument.Parse(json).RootElement, "s", (name, _) => errors.Add(name)));
        Assert.Contains(field, errors);
    }

    [Theory]
    [InlineData("""{"a":[{"b":1},{"c":1,"c":2}]}""", "x.a[1].c")]
    [InlineData("""[{"a":{"b":1,"b":1}}]""", "x[0].a.b")]
    [InlineData("""{"a":{"b":1},"c":{"b":1}}""", null)]
    public void The_first_name_given_twice_is_found_at_any_depth(string json, string? path) =>
        Assert.Equal(path, JsonNames.Repeated(JsonDocument.Parse(json).RootElement, "x"));

    [Fact]
    public void A_segment_reads_every_condition_and_a_single_tag_value_as_a_list_of_one()
    {
        var segment = SegmentRules.Read(JsonDocument.Parse("""
            {"platform":["ios"],"locale":["ko"],"appVersion":{"min":"3.10"},"tags":{"plan":"pro","tier":["a","b"]},"userIds":["u"],"lastSeenWithinDays":365}
            """).RootElement, "s", (field, message) => Assert.Fail($"{field}: {message}"));

        Assert.NotNull(segment);
        Assert.Equal(["pro"], segment.Tags!["plan"]);
        Assert.Equal(["a", "b"], segment.Tags!["tier"]);
        Assert.Equal(("3.10", null, 365), (segment.AppVersion!.Min, segment.AppVersion.Max, segment.LastSeenWithinDays));
    }

    private static AppVersion Parse(string value) => AppVersion.TryParse(value, out var version) ? version : throw new ArgumentException(value);
}
