using System.Net;

namespace Pushboard.Client;

/// <summary>
/// A Pushboard service answered with an error: its RFC 9457 problem details (<c>title</c>, <c>detail</c>, and for a
/// validation error the field <c>errors</c>), thrown once the resilience handler has given up retrying.
/// </summary>
public sealed class PushboardApiException : Exception
{
    /// <summary>Creates the exception for one error answer.</summary>
    public PushboardApiException(
        HttpStatusCode statusCode, string? title, string? detail, IReadOnlyDictionary<string, string[]> errors, TimeSpan? retryAfter)
        : base(Describe(statusCode, title, detail, errors))
    {
        StatusCode = statusCode;
        Title = title;
        Detail = detail;
        Errors = errors;
        RetryAfter = retryAfter;
    }

    /// <summary>The HTTP status, e.g. 400, 403, 404, 409, 422, 429.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The problem's <c>title</c>, when it had one.</summary>
    public string? Title { get; }

    /// <summary>The problem's <c>detail</c>: what was wrong, for a person.</summary>
    public string? Detail { get; }

    /// <summary>Field errors of a 400: field (e.g. <c>target.deviceIds</c>) to messages; empty otherwise.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }

    /// <summary>The answer's <c>Retry-After</c> (429, 503), when it had one.</summary>
    public TimeSpan? RetryAfter { get; }

    private static string Describe(HttpStatusCode statusCode, string? title, string? detail, IReadOnlyDictionary<string, string[]> errors)
    {
        var message = $"Pushboard answered {(int)statusCode} {title ?? statusCode.ToString()}";
        if (detail is not null)
        {
            message += ": " + detail;
        }

        return errors.Count == 0
            ? message
            : message + " (" + string.Join("; ", errors.Select(error => $"{error.Key}: {string.Join(" ", error.Value)}")) + ")";
    }
}
