using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace Pushboard.ServiceDefaults;

// Every 429 of the services, from the rate limiter or from a limit a handler applies: problem details with Retry-After.
public static class TooManyRequests
{
    public const string Title = "Too many requests";

    public static TooManyRequestsHttpResult Problem(string detail, TimeSpan retryAfter) => new(detail, retryAfter);

    internal static ValueTask<bool> TryWriteAsync(HttpContext context, string detail, TimeSpan retryAfter) =>
        ServiceUnavailable.TryWriteRetryLaterAsync(context, StatusCodes.Status429TooManyRequests, Title, detail, retryAfter);
}

public sealed class TooManyRequestsHttpResult(string detail, TimeSpan retryAfter) : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
{
    public int? StatusCode => StatusCodes.Status429TooManyRequests;

    public async Task ExecuteAsync(HttpContext httpContext) => await TooManyRequests.TryWriteAsync(httpContext, detail, retryAfter);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status429TooManyRequests, typeof(ProblemDetails), ["application/problem+json"]));
}
