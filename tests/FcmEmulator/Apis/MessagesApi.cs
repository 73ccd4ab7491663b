using System.Runtime.InteropServices;
using System.Text.Json;
using Pushboard.FcmEmulator.Model;

namespace Pushboard.FcmEmulator.Apis;

public static class MessagesApi
{
    private static long s_nextMessageId = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;

    public static IEndpointRouteBuilder MapMessagesApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/projects/{projectId}/messages:send", Send);
        return app;
    }

    private static async Task<IResult> Send(
        string projectId,
        HttpContext context,
        AccessTokens tokens,
        FaultInjection faults,
        MessageStore messages,
        AttemptLog attempts,
        SendStatistics statistics,
        TimeProvider time)
    {
        if (!tokens.IsValid(context.Request.Headers.Authorization))
        {
            statistics.Rejected("UNAUTHENTICATED");
            return FcmErrors.Unauthenticated();
        }

        var profile = faults.Profile;
        if (profile.LatencyMs > 0)
        {
            await Task.Delay(profile.LatencyMs, context.RequestAborted);
        }

        using var body = await ParseAsync(context);
        if (body is null || body.RootElement.ValueKind != JsonValueKind.Object
            || !body.RootElement.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.Object)
        {
            statistics.Rejected("INVALID_ARGUMENT");
            return FcmErrors.InvalidPayload("message", "the body must be a JSON object with a message");
        }

        var failure = MessageValidation.Validate(message, out var target);
        var receivedAt = time.GetUtcNow();
        var outcome = profile.UnknownProject ? "NOT_FOUND" : Decide(failure, target, faults.Roll());
        attempts.Add(new SendAttempt(target.Token, target.Topic, receivedAt, outcome, context.Request.Protocol));

        switch (outcome)
        {
            case "OK":
                statistics.Accepted(JsonMarshal.GetRawUtf8Value(message));
                var name = $"projects/{projectId}/messages/{Interlocked.Increment(ref s_nextMessageId)}";
                messages.Add(new StoredMessage(name, receivedAt, target.Token, target.Topic, message.GetRawText()));
                if (profile.AnswerLatencyMs > 0)
                {
                    await Task.Delay(profile.AnswerLatencyMs, context.RequestAborted).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }

                return Results.Text($"{{\"name\":\"{JsonEncodedText.Encode(name)}\"}}", "application/json");
            case "QUOTA_EXCEEDED":
                statistics.Rejected(outcome);
                return FcmErrors.QuotaExceeded(context.Response, profile.RetryAfterSeconds);
            case "UNAVAILABLE":
                statistics.Rejected(outcome);
                return FcmErrors.Unavailable(context.Response, profile.RetryAfterSeconds);
            default:
                statistics.Rejected(outcome);
                return outcome switch
                {
                    "UNREGISTERED" => FcmErrors.Unregistered(),
                    "SENDER_ID_MISMATCH" => FcmErrors.SenderIdMismatch(),
                    "THIRD_PARTY_AUTH_ERROR" => FcmErrors.ThirdPartyAuthError(),
                    "NOT_FOUND" => FcmErrors.ProjectNotFound(),
                    _ when failure is not null => FcmErrors.InvalidPayload(failure.Field, failure.Description),
                    _ => FcmErrors.InvalidToken(),
                };
        }
    }

    private static async Task<JsonDocument?> ParseAsync(HttpContext context)
    {
        try
        {
            return await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // Payload errors first (as FCM does), then the injected faults, then what the token's prefix asks for.
    private static string Decide(ValidationFailure? failure, MessageTarget target, InjectedFault fault)
    {
        if (failure is not null)
        {
            return "INVALID_ARGUMENT";
        }

        if (fault != InjectedFault.None)
        {
            return fault == InjectedFault.QuotaExceeded ? "QUOTA_EXCEEDED" : "UNAVAILABLE";
        }

        return target.Token switch
        {
            { } token when token.StartsWith("unregistered-", StringComparison.Ordinal) => "UNREGISTERED",
            { } token when token.StartsWith("invalid-", StringComparison.Ordinal) => "INVALID_ARGUMENT",
            { } token when token.StartsWith("mismatch-", StringComparison.Ordinal) => "SENDER_ID_MISMATCH",
            { } token when token.StartsWith("thirdpartyauth-", StringComparison.Ordinal) => "THIRD_PARTY_AUTH_ERROR",
            _ => "OK",
        };
    }
}
