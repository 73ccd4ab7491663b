using System.Text.Json.Nodes;
using Pushboard.FcmEmulator.Model;

namespace Pushboard.FcmEmulator.Apis;

public sealed record FaultRequest(double Rate429 = 0, double Rate503 = 0, int RetryAfterSeconds = 0, int LatencyMs = 0, int AnswerLatencyMs = 0, bool UnknownProject = false, bool RefuseServiceAccount = false,
    int TokenLatencyMs = 0);

// Test-only controls: fault injection and inspection of what the emulator received.
public static class EmulatorControlApi
{
    private const int DefaultLimit = 100;
    private const int MaxLimit = 10_000;

    public static IEndpointRouteBuilder MapEmulatorControlApi(this IEndpointRouteBuilder app)
    {
        var emulator = app.MapGroup("/emulator");
        emulator.MapPut("/faults", SetFaults);
        emulator.MapDelete("/faults", (FaultInjection faults) =>
        {
            faults.Profile = FaultProfile.None;
            return Results.NoContent();
        });
        emulator.MapGet("/tokens", (AccessTokens tokens) => Results.Json(new { issued = tokens.Issued }));
        emulator.MapDelete("/tokens", (AccessTokens tokens) =>
        {
            tokens.RevokeAll();
            return Results.NoContent();
        });
        emulator.MapGet("/messages", ListMessages);
        emulator.MapDelete("/messages", (MessageStore messages, AttemptLog attempts, SendStatistics statistics) =>
        {
            messages.Clear();
            attempts.Clear();
            statistics.Reset();
            return Results.NoContent();
        });
        emulator.MapGet("/requests", ListAttempts);
        emulator.MapGet("/stats", (SendStatistics statistics) => Results.Json(statistics.Snapshot()));
        return app;
    }

    private static IResult SetFaults(FaultRequest request, FaultInjection faults)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Rate429 is < 0 or > 1)
        {
            errors["rate429"] = ["rate429 must be between 0.0 and 1.0."];
        }

        if (request.Rate503 is < 0 or > 1)
        {
            errors["rate503"] = ["rate503 must be between 0.0 and 1.0."];
        }

        if (request.Rate429 + request.Rate503 > 1)
        {
            errors["rate503"] = ["rate429 + rate503 must not exceed 1.0."];
        }

        if (request.RetryAfterSeconds is < 0 or > 3600)
        {
            errors["retryAfterSeconds"] = ["retryAfterSeconds must be between 0 and 3600."];
        }

        if (request.LatencyMs is < 0 or > 60_000)
        {
            errors["latencyMs"] = ["latencyMs must be between 0 and 60000."];
        }

        if (request.AnswerLatencyMs is < 0 or > 60_000)
        {
            errors["answerLatencyMs"] = ["answerLatencyMs must be between 0 and 60000."];
        }

        if (request.TokenLatencyMs is < 0 or > 60_000)
        {
            errors["tokenLatencyMs"] = ["tokenLatencyMs must be between 0 and 60000."];
        }

        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors);
        }

        faults.Profile = new FaultProfile(request.Rate429, request.Rate503, request.RetryAfterSeconds, request.LatencyMs, request.AnswerLatencyMs, request.UnknownProject, request.RefuseServiceAccount,
            request.TokenLatencyMs);
        return Results.NoContent();
    }

    private static IResult ListMessages(MessageStore messages, string? token, string? topic, int? limit)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"limit must be between 1 and {MaxLimit}."] });
        }

        var items = messages.NewestFirst()
            .Where(message => (token is null || message.Token == token) && (topic is null || message.Topic == topic))
            .Take(limit ?? DefaultLimit)
            .Select(message => new { name = message.Name, receivedAt = message.ReceivedAt.UtcDateTime, message = JsonNode.Parse(message.MessageJson) });
        return Results.Json(new { items });
    }

    private static IResult ListAttempts(AttemptLog attempts, string? token, string? topic, int? limit)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"limit must be between 1 and {MaxLimit}."] });
        }

        var items = attempts.NewestFirst()
            .Where(attempt => (token is null || attempt.Token == token) && (topic is null || attempt.Topic == topic))
            .Take(limit ?? MaxLimit)
            .Select(attempt => new { token = attempt.Token, topic = attempt.Topic, receivedAt = attempt.ReceivedAt.UtcDateTime, outcome = attempt.Outcome, protocol = attempt.Protocol });
        return Results.Json(new { items });
    }
}
