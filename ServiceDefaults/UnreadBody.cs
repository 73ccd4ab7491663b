using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Features;

namespace Pushboard.ServiceDefaults;

public static class UnreadBody
{
    // An endpoint that reads no body answers one as every endpoint does (API.md): over the service's body limit a 413
    // whatever its type, then any type but JSON a 415; a JSON body within the limit is read and ignored, and so is an
    // empty one of any type (a chunked body of no bytes, an HTTP/2 request whose headers do not end the stream). A
    // filter, so the key is checked first (401, 403); the device secret after it, as a PUT's body binding comes first.
    public static TBuilder ReadsNoBody<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var request = context.HttpContext.Request;
            if (context.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>() is not { CanHaveBody: true })
            {
                return await next(context);
            }

            bool empty;
            try
            {
                empty = await request.Body.ReadAsync(new byte[1], context.HttpContext.RequestAborted) == 0;
                await request.Body.CopyToAsync(Stream.Null, context.HttpContext.RequestAborted);
            }
            catch (BadHttpRequestException unreadable)
            {
                return TypedResults.Problem(statusCode: unreadable.StatusCode);
            }

            return empty || JsonMediaType.Matches(request.ContentType)
                ? await next(context)
                : TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType);
        });
}
