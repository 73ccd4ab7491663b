using System.Net.Http.Headers;

namespace Pushboard.ServiceDefaults;

public static class JsonMediaType
{
    // application/json, with any parameter (a charset).
    public static bool Matches(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
        && string.Equals(mediaType.MediaType, "application/json", StringComparison.OrdinalIgnoreCase);
}
