using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Pushboard.ServiceDefaults;

// A request the framework could not bind (a body that is not JSON of the parameter's shape, a wrong Content-Type, a body
// over the limit, a bad route or query value) answers the status the framework chose, as problem details; a body that
// does not fit the documented JSON names the field in errors, as every other 400 of API.md does.
internal sealed class UnreadableRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException unreadable)
        {
            return false;
        }

        var problem = new ProblemDetails();
        if (unreadable.InnerException is JsonException json)
        {
            var (field, message) = JsonBodyError.From(json);
            problem = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] }) { Detail = message };
        }

        problem.Status = unreadable.StatusCode;
        context.Response.StatusCode = unreadable.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, Exception = exception, ProblemDetails = problem });
    }
}
