using System.ComponentModel.DataAnnotations;

namespace Pushboard.Web.Services;

public sealed class ComposeOptions
{
    public const string Section = "Compose";

    // How long the segment builder waits after the operator's last change before it asks DeviceApi for the audience:
    // typing a locale or a version costs one count, not one per key.
    [Range(typeof(TimeSpan), "00:00:00", "00:00:05")]
    public TimeSpan EstimateDelay { get; set; } = TimeSpan.FromMilliseconds(400);
}
