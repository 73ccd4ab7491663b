using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Pushboard.NotificationApi.Apis;
using Pushboard.NotificationApi.Sending;

namespace Pushboard.NotificationApi.Tests;

// The timing rules of API.md in process, on a fake clock: moments per zone, daylight-saving gaps and overlaps, the next
// day, the default zone, and the sendAt and localTime checks.
public sealed class LocalMomentsTests
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private static readonly TimeZoneInfo Utc = TimeZoneInfo.FindSystemTimeZoneById("UTC");

    private static DateTime At(string utc) => DateTime.Parse(utc, null, System.Globalization.DateTimeStyles.AdjustToUniversal);

    [Fact]
    public void A_time_that_a_daylight_saving_gap_skips_is_sent_when_the_gap_ends()
    {
        // 2026-03-08 in New York: 02:00 EST jumps to 03:00 EDT; 02:30 does not exist that day.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 8, 5, 0, 0, TimeSpan.Zero));

        var moment = LocalMoments.Next(new TimeOnly(2, 30), NewYork, clock.GetUtcNow().UtcDateTime);

        Assert.Equal(At("2026-03-08T07:00:00Z"), moment);
        Assert.Equal(new DateTime(2026, 3, 8, 3, 0, 0), TimeZoneInfo.ConvertTimeFromUtc(moment, NewYork));
    }

    [Fact]
    public void A_time_that_occurs_twice_is_sent_at_its_first_occurrence()
    {
        // 2026-11-01 in New York: 01:00–02:00 happens in EDT (-4) and again in EST (-5).
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));

        var moment = LocalMoments.Next(new TimeOnly(1, 30), NewYork, clock.GetUtcNow().UtcDateTime);

        Assert.Equal(At("2026-11-01T05:30:00Z"), moment);
    }

    // Before, a notification accepted between the two occurrences waited for the next day.
    [Fact]
    public void A_time_that_occurs_twice_is_sent_at_its_second_occurrence_when_accepted_between_the_two()
    {
        // 06:15 UTC is the second 01:15 in New York (EST); the first 01:30 (05:30 UTC) has passed, the second has not.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 6, 15, 0, TimeSpan.Zero));

        var moment = LocalMoments.Next(new TimeOnly(1, 30), NewYork, clock.GetUtcNow().UtcDateTime);

        Assert.Equal(At("2026-11-01T06:30:00Z"), moment);
    }

    [Fact]
    public void A_time_already_past_today_is_sent_tomorrow_and_the_present_minute_counts_as_now()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 10, 14, 0, 0, TimeSpan.Zero));
        var now = clock.GetUtcNow().UtcDateTime;

        Assert.Equal(At("2026-06-11T13:59:00Z"), LocalMoments.Next(new TimeOnly(13, 59), Utc, now));
        Assert.Equal(now, LocalMoments.Next(new TimeOnly(14, 0), Utc, now));
        clock.Advance(TimeSpan.FromHours(11));
        // 01:00 UTC on the 11th is 06:30 in Kolkata: 06:00 there is tomorrow, the 12th.
        Assert.Equal(At("2026-06-12T00:30:00Z"),
            LocalMoments.Next(new TimeOnly(6, 0), TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata"), clock.GetUtcNow().UtcDateTime));
    }

    [Fact]
    public void Zones_get_their_own_moments_and_a_device_without_one_takes_the_default_zone()
    {
        var from = At("2026-06-10T00:00:00Z");
        var moments = new LocalMoments(new TimeOnly(9, 0), from, NewYork);

        Assert.Equal(At("2026-06-10T03:15:00Z"), moments.For("Asia/Kathmandu"));
        Assert.Equal(At("2026-06-10T03:30:00Z"), moments.For("Asia/Kolkata"));
        Assert.Equal(At("2026-06-10T13:00:00Z"), moments.For(null));
        Assert.Equal(At("2026-06-10T09:00:00Z"), new LocalMoments(new TimeOnly(9, 0), from, Utc).For(null));
    }

    [Theory]
    [InlineData("24:00")]
    [InlineData("9:00")]
    [InlineData("09:60")]
    [InlineData("09:5")]
    [InlineData("0900")]
    public void A_local_time_not_of_the_form_HH_mm_is_refused(string localTime)
    {
        var errors = NotificationValidation.Validate(Request(localTime: localTime), new FakeTimeProvider().GetUtcNow());

        Assert.Equal(["localTime"], errors.Keys);
    }

    [Fact]
    public void SendAt_is_utc_ending_in_z_at_most_30_days_ahead_and_local_time_is_not_for_topics()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 10, 12, 0, 0, TimeSpan.Zero));
        var now = clock.GetUtcNow();

        Assert.Empty(NotificationValidation.Validate(Request(sendAt: "2026-07-10T12:00:00Z"), now));
        Assert.Empty(NotificationValidation.Validate(Request(sendAt: "2020-01-01T00:00:00Z"), now));
        Assert.Empty(NotificationValidation.Validate(Request(localTime: "00:00"), now));
        Assert.Empty(NotificationValidation.Validate(Request(localTime: "23:59"), now));
        Assert.Equal(["sendAt"], NotificationValidation.Validate(Request(sendAt: "2026-07-10T12:00:01Z"), now).Keys);
        Assert.Equal(["sendAt"], NotificationValidation.Validate(Request(sendAt: "2026-06-10T14:00:00+01:00"), now).Keys);
        Assert.Equal(["sendAt"], NotificationValidation.Validate(Request(sendAt: "2026-06-10T14:00:00"), now).Keys);
        Assert.Equal(["localTime"], NotificationValidation.Validate(Request(localTime: "09:00", topic: "news"), now).Keys);
        Assert.Empty(NotificationValidation.Validate(Request(sendAt: "2026-06-11T09:00:00Z", topic: "news"), now));
    }

    private static SendNotificationRequest Request(string? sendAt = null, string? localTime = null, string? topic = null) =>
        new(topic is null ? new NotificationTarget(["device-1"], null, null, null) : new NotificationTarget(null, null, topic, null),
            new NotificationContent("title", null, null), new Dictionary<string, JsonElement>(), null, null, null, null, null, null,
            sendAt, localTime);
}
