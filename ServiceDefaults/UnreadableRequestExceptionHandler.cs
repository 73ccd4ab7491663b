using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Pushboard.ServiceDefaults;

// A request the framework could not bind (a body that is not JSON of the parameter's shape, a wrong Content-Type, a bad
// route or query value) answers the status the framework chose (400, 415), as problem details; a body that does not fit
// the documented JSON names the field in errors, as every other 400 of API.md does. (A body over the limit never gets
// here: the framework answers its 413 itself, and UseStatusCodePages writes it.) The request is handled even when the
// client accepts no JSON and the answer has no body: it is the client's mistake, not the service's error.
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
        await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, Exception = exception, ProblemDetails = problem });
        return true;
    }
}
