using System.Text.Json;
using Google.Apis.Auth.OAuth2;
using Microsoft.Extensions.Options;

namespace Pushboard.NotificationApi.Fcm;

// The service account's OAuth2 credential (Google.Apis.Auth caches and refreshes the access token) and the send path.
public sealed class FcmCredential
{
    private readonly ServiceAccountCredential _account;
    private readonly Lock _renewing = new();
    private Task? _renewal;

    public FcmCredential(IOptions<FcmOptions> options)
    {
        var fcm = options.Value;
        var serviceAccountJson = fcm.ServiceAccountJson
            ?? throw new InvalidOperationException("Fcm:ServiceAccountJson is not configured (AppHost parameter firebase-service-account).");
        _account = (ServiceAccountCredential)CredentialFactory.FromJson<ServiceAccountCredential>(serviceAccountJson)
            .ToGoogleCredential().CreateScoped(FcmOptions.MessagingScope).UnderlyingCredential;
        var projectId = string.IsNullOrEmpty(fcm.ProjectId) ? ReadProjectId(serviceAccountJson) : fcm.ProjectId;
        SendPath = $"/v1/projects/{Uri.EscapeDataString(projectId)}/messages:send";
    }

    public string SendPath { get; }

    public Task<string> GetAccessTokenAsync(CancellationToken cancellationToken) =>
        _account.GetAccessTokenForRequestAsync(cancellationToken: cancellationToken);

    // FCM refused `rejected` (401 UNAUTHENTICATED). Google.Apis.Auth hands out its cached token until shortly before it
    // expires, so a token revoked sooner (a key deleted, an account disabled) is replaced here, as Google's own clients
    // do on a 401. Sends refused with the same token share one request for a new one; a token already replaced is not
    // asked for again. Fails as the token endpoint does (TokenResponseException when it refuses the service account).
    public Task RenewAsync(string rejected)
    {
        lock (_renewing)
        {
            if (_account.Token?.AccessToken != rejected)
            {
                return Task.CompletedTask;
            }

            // Run apart, so that its end (which takes the lock) comes after it was stored.
            return _renewal ??= Task.Run(RequestNewTokenAsync);
        }
    }

    private async Task RequestNewTokenAsync()
    {
        try
        {
            await _account.RequestAccessTokenAsync(CancellationToken.None);
        }
        finally
        {
            lock (_renewing)
            {
                _renewal = null;
            }
        }
    }

    private static string ReadProjectId(string serviceAccountJson)
    {
        using var document = JsonDocument.Parse(serviceAccountJson);
        return document.RootElement.TryGetProperty("project_id", out var projectId) && projectId.GetString() is { Length: > 0 } id
            ? id
            : throw new InvalidOperationException("The Firebase service account has no project_id; set Fcm:ProjectId.");
    }
}
