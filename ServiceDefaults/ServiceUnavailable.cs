using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace Pushboard.ServiceDefaults;

// Every 503 of the services: problem details with Retry-After in whole seconds, so clients back off and retry.
// A database outage (DatabaseOutageExceptionHandler) and a full in-memory queue answer it alike.
public static class ServiceUnavailable
{
    public static ServiceUnavailableHttpResult Problem(string detail, TimeSpan retryAfter) => new(detail, retryAfter);

    // At least one second: "Retry-After: 0" would invite an immediate retry.
    public static int RetryAfterSeconds(TimeSpan retryAfter) => Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));

    internal static ValueTask<bool> TryWriteAsync(HttpContext context, string detail, TimeSpan retryAfter, Exception? exception = null) =>
        TryWriteRetryLaterAsync(context, StatusCodes.Status503ServiceUnavailable, "Service unavailable", detail, retryAfter, exception);

    // A 503 or a 429: problem details with Retry-After.
    internal static ValueTask<bool> TryWriteRetryLaterAsync(HttpContext context, int status, string title, string detail, TimeSpan retryAfter, Exception? exception = null)
    {
        context.Response.StatusCode = status;
        context.Response.Headers.RetryAfter = RetryAfterSeconds(retryAfter).ToString(CultureInfo.InvariantCulture);
        return context.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails =
            {
                Status = status,
                Title = title,
                Detail = detail,
            },
        });
    }
}

public sealed class ServiceUnavailableHttpResult(string detail, TimeSpan retryAfter) : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
{
    public int? StatusCode => StatusCodes.Status503ServiceUnavailable;

    public string Detail => detail;

    public TimeSpan RetryAfter => retryAfter;

    public async Task ExecuteAsync(HttpContext httpContext) => await ServiceUnavailable.TryWriteAsync(httpContext, detail, retryAfter);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status503ServiceUnavailable, typeof(ProblemDetails), ["application/problem+json"]));
}
