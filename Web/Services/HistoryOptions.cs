using System.ComponentModel.DataAnnotations;

namespace Pushboard.Web.Services;

public sealed class HistoryOptions
{
    public const string Section = "History";

    // How often an open notifications list asks again for its page while a notification on it may change.
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(3);
}
