using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Google.Apis.Auth.OAuth2.Responses;
using Microsoft.Extensions.Options;
using Pushboard.NotificationApi.Model;

namespace Pushboard.NotificationApi.Fcm;

// FCM HTTP v1 `messages:send`.
public sealed partial class FcmClient(HttpClient http, FcmCredential credential, TimeProvider time, IOptions<FcmOptions> options, ILogger<FcmClient> logger)
{
    // Parsed once: a relative path would make every request parse and combine its address again.
    private readonly Uri _sendUri = new(http.BaseAddress!, credential.SendPath);

    // SocketsHttpHandler rents a 32 KB array from the shared pool for each request's headers and holds it until the
    // connection has written them. The work loops start their sends (up to Workers × Concurrency) at once, more than the
    // pool keeps of one size (32 per core), so without this bound most of those arrays were allocated and dropped. A
    // send holds its place from before it has a connection until its headers are written: each send's deadline
    // (Fcm:Timeout) counts that wait too, so a stalled connection cannot hold the other sends back for longer.
    private const int HeaderWriters = 32;
    private readonly SemaphoreSlim _headerWriters = new(HeaderWriters);

    // Exactly one of token and topic is given. A cancel stops a send still waiting for its access token or its place; a
    // send handed to FCM is given Fcm:StopGrace more to be answered, since FCM may have taken it and a send cut off stays
    // pending and goes again.
    public async Task<FcmOutcome> SendAsync(FcmMessage message, string? token, string? topic, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        using var deadline = new CancellationTokenSource(options.Value.Timeout, time);
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        // On a cancel the deadline moves to the grace's end, unless it comes sooner anyway.
        using var graceOnCancel = cancellationToken.Register(() =>
        {
            var left = options.Value.Timeout - time.GetElapsedTime(started);
            deadline.CancelAfter(left < options.Value.StopGrace ? (left > TimeSpan.Zero ? left : TimeSpan.Zero) : options.Value.StopGrace);
        });
        string? accessToken = null;
        try
        {
            accessToken = await credential.GetAccessTokenAsync(waiting.Token);
            var authorization = new AuthenticationHeaderValue("Bearer", accessToken);
            var body = message.Body(token, topic);
            await _headerWriters.WaitAsync(waiting.Token);
            // A request built by hand does not take the client's default version: without these it would be HTTP/1.1.
            // Disposing it disposes its content, which leaves the gate if the handler never asked for the body.
            using var request = new HttpRequestMessage(HttpMethod.Post, _sendUri)
            {
                Version = http.DefaultRequestVersion,
                VersionPolicy = http.DefaultVersionPolicy,
                Content = new FcmRequestContent(body, _headerWriters),
            };
            request.Headers.Authorization = authorization;
            using var response = await http.SendAsync(request, deadline.Token);
            using var answer = await ReadAnswerAsync(response, deadline.Token);
            var said = answer?.RootElement ?? default;
            if (!response.IsSuccessStatusCode)
            {
                var refused = Classify(response, said);
                if (refused.ErrorCode == FcmOutcome.Unauthenticated)
                {
                    // Google.Apis.Auth would hand the retry the same token until it expires.
                    await credential.RenewAsync(accessToken).WaitAsync(deadline.Token);
                }

                return refused;
            }

            // A 2xx means FCM took the message, whether or not its answer can be read: it is not sent again. Real FCM
            // always names the message, so an answer without a name says Fcm:Endpoint may point elsewhere.
            var name = Property(said, "name");
            if (name is null)
            {
                LogSentWithoutName((int)response.StatusCode);
            }

            return new FcmOutcome(FcmOutcomeKind.Sent, name, null);
        }
        catch (TokenResponseException exception)
        {
            // Nothing was handed to FCM: retried for as long as the service account is refused (FcmCredential logs it).
            return new FcmOutcome(FcmOutcomeKind.Retryable, null, FcmCredential.IsRefusal(exception) ? FcmOutcome.Unauthenticated : "UNAVAILABLE");
        }
        catch (Exception exception) when (exception is HttpRequestException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            if (accessToken is null && exception is OperationCanceledException)
            {
                credential.NoAnswerWithin(options.Value.Timeout);
            }

            return new FcmOutcome(FcmOutcomeKind.Retryable, null, "UNAVAILABLE");
        }
    }

    [LoggerMessage(LogLevel.Error, "FCM answered {Status} without naming the message; counted as sent. Check Fcm:Endpoint: Firebase always names it")]
    private partial void LogSentWithoutName(int status);

    // FCM's answers are small: read whole and parsed from memory, without the stream parser's buffer per answer. A body
    // cut short, not JSON (a proxy's error page) or still unread at the deadline is no answer: the status code decides.
    private static async Task<JsonDocument?> ReadAnswerAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken));
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException or OperationCanceledException)
        {
            return null;
        }
    }

    // What FCM names is recorded with the delivery, and JSON can escape what a string or Postgres's text cannot hold:
    // an unpaired surrogate cannot be read as a string (kept as written, escapes and all), and U+0000 would fail the
    // record of the whole chunk (dropped). Either would otherwise fail the chunk's sends, those FCM took among them, and
    // the chunk would be sent again after each lease.
    private static string? Property(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        string text;
        try
        {
            text = value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            text = value.GetRawText()[1..^1];
        }

        return text.Replace("\0", "");
    }

    // Firebase's ErrorCode reference: what each answer means for the token and for retrying.
    private FcmOutcome Classify(HttpResponseMessage response, JsonElement body)
    {
        var error = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("error", out var e) ? e : default;
        var status = Property(error, "status");
        var message = Property(error, "message") ?? "";
        string? errorCode = null;
        var blamesToken = message.Contains("registration token", StringComparison.OrdinalIgnoreCase);
        if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array)
        {
            foreach (var detail in details.EnumerateArray())
            {
                errorCode ??= Property(detail, "errorCode");
                if (detail.ValueKind == JsonValueKind.Object && detail.TryGetProperty("fieldViolations", out var violations) && violations.ValueKind == JsonValueKind.Array)
                {
                    blamesToken |= violations.EnumerateArray().Any(v => Property(v, "field") == "message.token");
                }
            }
        }

        errorCode ??= status ?? ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        // Recorded with the delivery: a code longer than its column would fail the whole chunk's record, and so would
        // half of a surrogate pair left by the cut.
        if (errorCode.Length > DeliveryErrors.MaxLength)
        {
            var cut = char.IsHighSurrogate(errorCode[DeliveryErrors.MaxLength - 1]) ? DeliveryErrors.MaxLength - 1 : DeliveryErrors.MaxLength;
            errorCode = errorCode[..cut];
        }
        var retryAfter = response.Headers.RetryAfter?.Delta
            ?? (response.Headers.RetryAfter?.Date is { } date ? date - time.GetUtcNow() : null);
        return (response.StatusCode, errorCode) switch
        {
            (_, "UNREGISTERED") => new(FcmOutcomeKind.InvalidToken, null, "UNREGISTERED"),
            // Only UNREGISTERED declares the token dead: any other 404 (a wrong project id) would invalidate every device.
            (HttpStatusCode.NotFound, _) => new(FcmOutcomeKind.Failed, null, FcmOutcome.NotFound),
            (_, "SENDER_ID_MISMATCH") => new(FcmOutcomeKind.InvalidToken, null, "SENDER_ID_MISMATCH"),
            (_, "INVALID_ARGUMENT") when blamesToken => new(FcmOutcomeKind.InvalidToken, null, "INVALID_ARGUMENT"),
            (_, "THIRD_PARTY_AUTH_ERROR") => new(FcmOutcomeKind.Failed, null, "THIRD_PARTY_AUTH_ERROR"),
            (HttpStatusCode.TooManyRequests, _) => new(FcmOutcomeKind.Retryable, null, "QUOTA_EXCEEDED", retryAfter),
            (HttpStatusCode.ServiceUnavailable or HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout, _)
                => new(FcmOutcomeKind.Retryable, null, errorCode, retryAfter),
            // Our own access token was refused: SendAsync asks for a new one before the retry.
            (HttpStatusCode.Unauthorized, FcmOutcome.Unauthenticated) => new(FcmOutcomeKind.Retryable, null, errorCode, retryAfter),
            _ => new(FcmOutcomeKind.Failed, null, errorCode),
        };
    }
}
