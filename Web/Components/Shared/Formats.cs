namespace Pushboard.Web.Components.Shared;

public static class Formats
{
    // Times in tables: UTC to the minute, short enough for the key columns to fit a 1280-px window.
    public const string Time = "yyyy-MM-dd HH:mm";
}
