using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;

namespace Pushboard.ServiceDefaults;

public static class ContentTypeAfterAuthorization
{
    private const string AnyContentType = "*/*";

    // Routing answers a body of a Content-Type an endpoint does not accept with 415 before authentication runs. Accepting
    // any type there leaves the 415 to the endpoint (its JSON body binding or its own check), after the key was checked:
    // API.md's order is 401, 403, then 415. The endpoint's own content types stay first in its OpenAPI description.
    public static TBuilder ChecksContentTypeAfterAuthorization<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Finally(endpoint =>
        {
            if (endpoint.Metadata.OfType<IAcceptsMetadata>().LastOrDefault() is { } accepts)
            {
                endpoint.Metadata.Add(new AcceptsMetadata([.. accepts.ContentTypes, AnyContentType], accepts.RequestType, accepts.IsOptional));
            }
        });
        return builder;
    }
}
