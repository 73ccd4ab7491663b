using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;

namespace Pushboard.ServiceDefaults;

public static class JsonMediaType
{
    // application/json, with any parameter (a charset).
    public static bool Matches(string? contentType) => Matches(contentType, "application/json");

    // A JSON body of application/json or one of alsoAccepted, else a 415 (API.md). The framework's body binding refuses
    // other types itself but takes any type ending in +json (text/plain+json): this filter refuses those.
    public static TBuilder ReadsJson<TBuilder>(this TBuilder builder, params string[] alsoAccepted) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var contentType = context.HttpContext.Request.ContentType;
            return Matches(contentType) || alsoAccepted.Any(accepted => Matches(contentType, accepted))
                ? await next(context)
                : TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType);
        });

    private static bool Matches(string? contentType, string accepted) =>
        MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
        && string.Equals(mediaType.MediaType, accepted, StringComparison.OrdinalIgnoreCase);
}
