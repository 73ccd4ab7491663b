namespace Pushboard.NotificationApi.Sending;

// The moments of a localTime notification: per time zone, the next occurrence of the wall-clock time at or after `from`
// (sendAt, or when it was accepted). Cached per zone for one resolution: a million devices in 24 zones compute 24 moments.
public sealed class LocalMoments(TimeOnly localTime, DateTime fromUtc, TimeZoneInfo defaultZone)
{
    private readonly Dictionary<string, DateTime> _byZone = new(StringComparer.Ordinal);

    // A device without a zone (or with one this server's tz database lacks) takes Sending:DefaultTimeZone.
    public DateTime For(string? timeZoneId)
    {
        if (timeZoneId is null)
        {
            return Next(localTime, defaultZone, fromUtc);
        }

        if (!_byZone.TryGetValue(timeZoneId, out var moment))
        {
            var zone = TimeZoneInfo.TryFindSystemTimeZoneById(timeZoneId, out var found) ? found : defaultZone;
            _byZone[timeZoneId] = moment = Next(localTime, zone, fromUtc);
        }

        return moment;
    }

    public static DateTime Next(TimeOnly localTime, TimeZoneInfo zone, DateTime fromUtc)
    {
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(fromUtc, zone));
        while (true)
        {
            foreach (var moment in Occurrences(day.ToDateTime(localTime, DateTimeKind.Unspecified), zone))
            {
                if (moment >= fromUtc)
                {
                    return moment;
                }
            }

            day = day.AddDays(1);
        }
    }

    // A wall-clock time that a daylight-saving gap skips is sent at the first moment after the gap (02:30 -> 03:00).
    // One that occurs twice is sent at its first occurrence (the larger offset), or at its second when `from` falls
    // between the two: a notification accepted at the second 01:15 for 01:30 goes in 15 minutes, not tomorrow.
    private static IEnumerable<DateTime> Occurrences(DateTime local, TimeZoneInfo zone)
    {
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(1);
        }

        return zone.IsAmbiguousTime(local)
            ? zone.GetAmbiguousTimeOffsets(local).OrderDescending().Select(offset => DateTime.SpecifyKind(local - offset, DateTimeKind.Utc))
            : [TimeZoneInfo.ConvertTimeToUtc(local, zone)];
    }
}
