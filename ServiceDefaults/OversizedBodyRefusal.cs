using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Features;

namespace Pushboard.ServiceDefaults;

public static class OversizedBodyRefusal
{
    // A body whose Content-Length is over the service's limit is a 413 whatever its type (API.md), answered before the
    // endpoint looks at its Content-Type and without reading it. Place after authorization: 401 and 403 come first.
    public static IApplicationBuilder UseOversizedBodyRefusal(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (context.Request.ContentLength > context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                return;
            }

            await next(context);
        });
}
