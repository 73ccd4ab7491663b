using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Features;

namespace Pushboard.ServiceDefaults;

public static class UnreadBody
{
    // An endpoint that reads no body answers one as every endpoint does (API.md): over the service's body limit a 413
    // whatever its type, then any type but JSON a 415; a JSON body within the limit is read and ignored. A filter, so the
    // key is checked first (401, 403).
    public static TBuilder ReadsNoBody<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var request = context.HttpContext.Request;
            if (context.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>() is not { CanHaveBody: true })
            {
                return await next(context);
            }

            try
            {
                await request.Body.CopyToAsync(Stream.Null, context.HttpContext.RequestAborted);
            }
            catch (BadHttpRequestException unreadable)
            {
                return TypedResults.Problem(statusCode: unreadable.StatusCode);
            }

            return JsonMediaType.Matches(request.ContentType) ? await next(context) : TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType);
        });
}
