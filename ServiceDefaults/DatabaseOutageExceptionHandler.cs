using Microsoft.AspNetCore.Diagnostics;

namespace Pushboard.ServiceDefaults;

// A request that failed because the database is unreachable (down, restarting, connections broken) answers
// 503 with Retry-After, so clients back off and retry instead of seeing a 500 or waiting on a hung request.
internal sealed partial class DatabaseOutageExceptionHandler(ILogger<DatabaseOutageExceptionHandler> logger) : IExceptionHandler
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (!DatabaseOutage.IsOutage(exception))
        {
            return false;
        }

        LogOutage(context.Request.Method, context.Request.Path, exception);
        return await ServiceUnavailable.TryWriteAsync(context,
            $"The service's database is unreachable at the moment; retry after {ServiceUnavailable.RetryAfterSeconds(RetryAfter)} s.", RetryAfter, exception);
    }

    [LoggerMessage(LogLevel.Warning, "{Method} {Path} answered 503: the database is unreachable")]
    private partial void LogOutage(string method, string path, Exception exception);
}
