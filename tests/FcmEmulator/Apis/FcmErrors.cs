namespace Pushboard.FcmEmulator.Apis;

// FCM's error JSON: { "error": { code, message, status, details: [ FcmError, BadRequest? ] } }.
public static class FcmErrors
{
    private const string FcmErrorType = "type.googleapis.com/google.firebase.fcm.v1.FcmError";
    private const string BadRequestType = "type.googleapis.com/google.rpc.BadRequest";

    public static IResult Unauthenticated() =>
        Error(401, "UNAUTHENTICATED", null,
            "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.");

    public static IResult InvalidPayload(string field, string description) =>
        Error(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT", $"Invalid value at '{field}': {description}", field);

    public static IResult InvalidToken() =>
        Error(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT", "The registration token is not a valid FCM registration token", "message.token");

    public static IResult Unregistered() => Error(404, "NOT_FOUND", "UNREGISTERED", "Requested entity was not found.");

    // What FCM answers for a project id it does not know: a 404 like UNREGISTERED's, but without its error code.
    public static IResult ProjectNotFound() => Error(404, "NOT_FOUND", null, "Requested entity was not found.");

    public static IResult SenderIdMismatch() => Error(403, "PERMISSION_DENIED", "SENDER_ID_MISMATCH", "SenderId mismatch");

    public static IResult ThirdPartyAuthError() =>
        Error(401, "UNAUTHENTICATED", "THIRD_PARTY_AUTH_ERROR", "Auth error from APNS or Web Push Service");

    public static IResult QuotaExceeded(HttpResponse response, int retryAfterSeconds)
    {
        SetRetryAfter(response, retryAfterSeconds);
        return Error(429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED", "Quota exceeded for quota metric 'Send requests' of service 'fcm.googleapis.com'.");
    }

    public static IResult Unavailable(HttpResponse response, int retryAfterSeconds)
    {
        SetRetryAfter(response, retryAfterSeconds);
        return Error(503, "UNAVAILABLE", "UNAVAILABLE", "The service is currently unavailable.");
    }

    private static void SetRetryAfter(HttpResponse response, int retryAfterSeconds)
    {
        if (retryAfterSeconds > 0)
        {
            response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    private static IResult Error(int code, string status, string? errorCode, string message, string? field = null)
    {
        var details = new List<object>();
        if (errorCode is not null)
        {
            details.Add(new Dictionary<string, object> { ["@type"] = FcmErrorType, ["errorCode"] = errorCode });
        }

        if (field is not null)
        {
            details.Add(new Dictionary<string, object>
            {
                ["@type"] = BadRequestType,
                ["fieldViolations"] = new[] { new { field, description = message } },
            });
        }

        return Results.Json(new { error = new { code, message, status, details } }, statusCode: code);
    }
}
