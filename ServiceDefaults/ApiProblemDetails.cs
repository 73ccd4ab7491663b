using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Pushboard.ServiceDefaults;

public static class ApiProblemDetails
{
    // Every error is problem details with a detail; what the framework cannot bind is thrown in every environment and
    // answered 400/415 by UnreadableRequestExceptionHandler (naming the field a body went wrong at); a database outage
    // answers 503; bodies are limited to maxRequestBodyBytes (the framework's own 413, like its 404 and 405, is written
    // by UseStatusCodePages).
    public static IServiceCollection AddApiProblemDetails(this IServiceCollection services, long maxRequestBodyBytes)
    {
        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
            context.ProblemDetails.Detail ??= DefaultDetail(context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode, maxRequestBodyBytes));
        services.AddExceptionHandler<UnreadableRequestExceptionHandler>();
        services.AddExceptionHandler<DatabaseOutageExceptionHandler>();
        services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        services.Configure<KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBodySize = maxRequestBodyBytes);
        return services;
    }

    // What the framework's own error answers (which carry no detail) tell the client.
    private static string DefaultDetail(int status, long maxRequestBodyBytes) => status switch
    {
        StatusCodes.Status400BadRequest => "The request could not be read: the body must be JSON of the documented shape.",
        StatusCodes.Status404NotFound => "There is no such resource.",
        StatusCodes.Status405MethodNotAllowed => "This resource does not support this HTTP method.",
        StatusCodes.Status413PayloadTooLarge => $"The request body exceeds {maxRequestBodyBytes / 1024} KB.",
        StatusCodes.Status415UnsupportedMediaType => "The request body must be application/json.",
        _ => "The request failed.",
    };
}
