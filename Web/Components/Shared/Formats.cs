using System.Globalization;
using Pushboard.Web.Services;

namespace Pushboard.Web.Components.Shared;

public static class Formats
{
    // Every time shown is UTC and says so: the server renders the page and does not know the operator's zone.
    // Tables to the minute, short enough for the key columns to fit a 1280-px window; a page's facts to the second;
    // chart axes the time of day.
    public const string Time = "yyyy-MM-dd HH:mm 'UTC'";

    public const string Instant = "yyyy-MM-dd HH:mm:ss 'UTC'";

    public const string Clock = "HH:mm 'UTC'";

    // "As of" and "checked at" lines: the time of day to the second.
    public static string ClockSeconds(DateTime time) => time.ToString("HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    // The date pickers' culture: dates typed and shown as yyyy-MM-dd, like every date in the console.
    public static readonly CultureInfo IsoDates = IsoDateCulture();

    // When a notification goes out as it was asked for: its sendAt (UTC), its localTime in each device's zone, both, or
    // (sent at once) its creation.
    public static string When(Notification notification) => (notification.SendAt, notification.LocalTime) switch
    {
        ({ } at, { } local) => $"{local} local, from {at.ToString(Time, CultureInfo.InvariantCulture)}",
        ({ } at, null) => at.ToString(Time, CultureInfo.InvariantCulture),
        (null, { } local) => $"{local} local",
        _ => notification.CreatedAt.ToString(Time, CultureInfo.InvariantCulture),
    };

    private static CultureInfo IsoDateCulture()
    {
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        culture.DateTimeFormat.ShortDatePattern = "yyyy-MM-dd";
        return CultureInfo.ReadOnly(culture);
    }
}
