using System.Text.Json;
using Google.Apis.Auth.OAuth2;
using Microsoft.Extensions.Options;

namespace Pushboard.NotificationApi.Fcm;

// The service account's OAuth2 credential (Google.Apis.Auth caches and refreshes the access token) and the send path.
public sealed class FcmCredential
{
    private readonly GoogleCredential _credential;

    public FcmCredential(IOptions<FcmOptions> options)
    {
        var fcm = options.Value;
        var serviceAccountJson = fcm.ServiceAccountJson
            ?? throw new InvalidOperationException("Fcm:ServiceAccountJson is not configured (AppHost parameter firebase-service-account).");
        _credential = CredentialFactory.FromJson<ServiceAccountCredential>(serviceAccountJson).ToGoogleCredential().CreateScoped(FcmOptions.MessagingScope);
        var projectId = string.IsNullOrEmpty(fcm.ProjectId) ? ReadProjectId(serviceAccountJson) : fcm.ProjectId;
        SendPath = $"/v1/projects/{Uri.EscapeDataString(projectId)}/messages:send";
    }

    public string SendPath { get; }

    public async Task<string> GetAccessTokenAsync(CancellationToken cancellationToken) =>
        await ((ITokenAccess)_credential).GetAccessTokenForRequestAsync(cancellationToken: cancellationToken);

    private static string ReadProjectId(string serviceAccountJson)
    {
        using var document = JsonDocument.Parse(serviceAccountJson);
        return document.RootElement.TryGetProperty("project_id", out var projectId) && projectId.GetString() is { Length: > 0 } id
            ? id
            : throw new InvalidOperationException("The Firebase service account has no project_id; set Fcm:ProjectId.");
    }
}
