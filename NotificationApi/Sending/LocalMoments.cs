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
            var moment = ToUtc(day.ToDateTime(localTime, DateTimeKind.Unspecified), zone);
            if (moment >= fromUtc)
            {
                return moment;
            }

            day = day.AddDays(1);
        }
    }

    // A wall-clock time that a daylight-saving gap skips is sent at the first moment after the gap (02:30 -> 03:00);
    // one that occurs twice, at its first occurrence (the larger offset).
    private static DateTime ToUtc(DateTime local, TimeZoneInfo zone)
    {
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(1);
        }

        if (zone.IsAmbiguousTime(local))
        {
            return DateTime.SpecifyKind(local - zone.GetAmbiguousTimeOffsets(local).Max(), DateTimeKind.Utc);
        }

        return TimeZoneInfo.ConvertTimeToUtc(local, zone);
    }
}
