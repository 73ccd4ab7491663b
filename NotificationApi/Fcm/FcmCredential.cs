using System.Net;
using System.Text.Json;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Auth.OAuth2.Responses;
using Microsoft.Extensions.Options;

namespace Pushboard.NotificationApi.Fcm;

// The service account's OAuth2 credential (Google.Apis.Auth caches and refreshes the access token) and the send path.
public sealed partial class FcmCredential
{
    // What the token endpoint last did, logged when it changes rather than for every send or health check meanwhile.
    private const int Working = 0, Failing = 1, Refusing = 2;

    private readonly ServiceAccountCredential _account;
    private readonly IOptions<FcmOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<FcmCredential> _logger;
    private readonly Lock _renewing = new();
    private (string Rejected, Task Request)? _renewal;
    private string? _unusable;
    private int _failure;

    public FcmCredential(IOptions<FcmOptions> options, TimeProvider time, ILogger<FcmCredential> logger)
    {
        var fcm = options.Value;
        var serviceAccountJson = fcm.ServiceAccountJson
            ?? throw new InvalidOperationException("Fcm:ServiceAccountJson is not configured (AppHost parameter firebase-service-account).");
        _account = (ServiceAccountCredential)CredentialFactory.FromJson<ServiceAccountCredential>(serviceAccountJson)
            .ToGoogleCredential().CreateScoped(FcmOptions.MessagingScope).UnderlyingCredential;
        var projectId = string.IsNullOrEmpty(fcm.ProjectId) ? ReadProjectId(serviceAccountJson) : fcm.ProjectId;
        SendPath = $"/v1/projects/{Uri.EscapeDataString(projectId)}/messages:send";
        (_options, _time, _logger) = (options, time, logger);
    }

    public string SendPath { get; }

    // Fails as the token endpoint does (TokenResponseException; HttpRequestException when it cannot be reached), or with
    // OperationCanceledException at the caller's deadline (see NoAnswerWithin).
    public async Task<string> GetAccessTokenAsync(CancellationToken cancellationToken)
    {
        string token;
        try
        {
            token = await _account.GetAccessTokenForRequestAsync(cancellationToken: cancellationToken);
        }
        catch (Exception exception) when (exception is TokenResponseException or HttpRequestException)
        {
            LogFailure(exception);
            throw;
        }

        // The refused token, handed out just before it was marked unusable, is no sign that the endpoint works again.
        if (Volatile.Read(ref _failure) != Working && token != Volatile.Read(ref _unusable)
            && Interlocked.Exchange(ref _failure, Working) != Working)
        {
            LogTokenObtainedAgain();
        }

        return token;
    }

    // A send gave up waiting for a token at its deadline: the token endpoint did not answer (Google.Apis.Auth's request
    // goes on, and the next token obtained ends the failure).
    public void NoAnswerWithin(TimeSpan deadline) =>
        LogFailure(new TimeoutException($"The token endpoint did not answer within {deadline.TotalSeconds:0.###} s."));

    // Whether the token endpoint turned the service account away (a key deleted, an account disabled: only the operator
    // can end it), rather than failing for a while (a 5xx, a 429) like any outage.
    public static bool IsRefusal(TokenResponseException exception) =>
        exception.StatusCode is not (HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError);

    // FCM refused `rejected` (401 UNAUTHENTICATED). Google.Apis.Auth hands out its cached token until shortly before it
    // expires, so a token revoked sooner is replaced here, as Google's own clients do on a 401. The sends refused with
    // the same token share one request for a new one; a token already replaced is not asked for again. Never fails: if
    // no new token comes, the refused one is marked unusable, so that later sends (and /health) ask the token endpoint
    // rather than hand FCM a token it refuses.
    public Task RenewAsync(string rejected)
    {
        lock (_renewing)
        {
            if (_account.Token?.AccessToken != rejected || rejected == _unusable)
            {
                return Task.CompletedTask;
            }

            if (_renewal is not { } renewal || renewal.Rejected != rejected)
            {
                LogAccessTokenRefused();
                // Run apart, so that its end (which takes the lock) comes after it was stored.
                renewal = (rejected, Task.Run(() => RequestNewTokenAsync(rejected)));
                _renewal = renewal;
            }

            return renewal.Request;
        }
    }

    private async Task RequestNewTokenAsync(string rejected)
    {
        try
        {
            using var deadline = new CancellationTokenSource(_options.Value.Timeout, _time);
            await _account.RequestAccessTokenAsync(deadline.Token);
        }
        catch (Exception exception)
        {
            // Without an expiry Google.Apis.Auth deems it expired and asks for a new one before handing it out; not
            // null, which a refresh of Google's running at this moment could read back. Sends still refused with it
            // ask for no other renewal.
            lock (_renewing)
            {
                if (_account.Token?.AccessToken == rejected)
                {
                    _unusable = rejected;
                    _account.Token = new TokenResponse { AccessToken = rejected };
                }
            }

            LogFailure(exception);
        }
        finally
        {
            lock (_renewing)
            {
                if (_renewal?.Rejected == rejected)
                {
                    _renewal = null;
                }
            }
        }
    }

    private void LogFailure(Exception exception)
    {
        var refused = exception is TokenResponseException response && IsRefusal(response) ? response : null;
        var failure = refused is null ? Failing : Refusing;
        if (Interlocked.Exchange(ref _failure, failure) == failure)
        {
            return;
        }

        if (refused is not null)
        {
            LogServiceAccountRefused(refused.Error?.Error, refused.Error?.ErrorDescription);
        }
        else
        {
            LogTokenEndpointFailed(exception switch
            {
                TokenResponseException { StatusCode: { } status } => $"HTTP {(int)status}",
                TimeoutException or OperationCanceledException => "no answer",
                HttpRequestException => "unreachable",
                _ => exception.GetType().Name,
            }, exception);
        }
    }

    [LoggerMessage(LogLevel.Warning, "FCM refused the access token (401 UNAUTHENTICATED); a new one is requested")]
    private partial void LogAccessTokenRefused();

    [LoggerMessage(LogLevel.Error, "The token endpoint refused the Firebase service account ({Error}: {Description}); sends wait until it is accepted. Check Fcm:ServiceAccountJson")]
    private partial void LogServiceAccountRefused(string? error, string? description);

    [LoggerMessage(LogLevel.Warning, "The token endpoint failed ({Failure}); sends wait and try again")]
    private partial void LogTokenEndpointFailed(string failure, Exception exception);

    [LoggerMessage(LogLevel.Information, "An FCM access token was obtained again")]
    private partial void LogTokenObtainedAgain();

    private static string ReadProjectId(string serviceAccountJson)
    {
        using var document = JsonDocument.Parse(serviceAccountJson);
        return document.RootElement.TryGetProperty("project_id", out var projectId) && projectId.GetString() is { Length: > 0 } id
            ? id
            : throw new InvalidOperationException("The Firebase service account has no project_id; set Fcm:ProjectId.");
    }
}
