using System.ComponentModel.DataAnnotations;

namespace Pushboard.Web.Services;

public sealed class OverviewOptions
{
    public const string Section = "Overview";

    // How often an open Overview asks the services again.
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(3);

    // How long one refresh waits for a source before showing it as unavailable: shorter than the HTTP clients'
    // retries, so that a service that is down costs the page this long, not the retries' 30 seconds.
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan SourceTimeout { get; set; } = TimeSpan.FromSeconds(2.5);
}
