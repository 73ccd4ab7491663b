using System.Text.Json;
using Google.Apis.Auth.OAuth2;
using Microsoft.Extensions.Options;

namespace Pushboard.NotificationApi.Fcm;

// The service account is checked at start: read only at the first send or health check, a malformed one let the
// service accept notifications it could never send. The message names the AppHost parameter and never the JSON.
public sealed class FcmServiceAccountValidator : IValidateOptions<FcmOptions>
{
    private const string Setting = "The parameter 'firebase-service-account' (configuration 'Fcm:ServiceAccountJson', environment 'Fcm__ServiceAccountJson')";
    private const string Remedy = "download it from the Firebase console (Project settings → Service accounts)";

    public ValidateOptionsResult Validate(string? name, FcmOptions options) =>
        Problem(options) is { } problem ? ValidateOptionsResult.Fail($"{Setting} {problem}: {Remedy}.") : ValidateOptionsResult.Success;

    private static string? Problem(FcmOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ServiceAccountJson))
        {
            return "is not set";
        }

        string[] missing;
        try
        {
            using var document = JsonDocument.Parse(options.ServiceAccountJson);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return "is not a JSON object";
            }

            // Fcm:ProjectId, when set, names the project in place of the account's project_id (FcmCredential).
            string[] required = string.IsNullOrEmpty(options.ProjectId)
                ? ["project_id", "client_email", "private_key"]
                : ["client_email", "private_key"];
            missing = [.. required.Where(field => !HasText(document.RootElement, field))];
        }
        catch (JsonException)
        {
            return "is not JSON";
        }

        if (missing.Length > 0)
        {
            return $"has no {string.Join(", ", missing)}";
        }

        try
        {
            CredentialFactory.FromJson<ServiceAccountCredential>(options.ServiceAccountJson);
            return null;
        }
        // Whatever Google.Apis.Auth throws for an account it cannot use (a private key it cannot read, another type of
        // credential), FcmCredential would throw at the first send.
        catch (Exception)
        {
            return "is not a service account Google.Apis.Auth can use (type service_account, a PKCS#8 private_key)";
        }
    }

    private static bool HasText(JsonElement account, string field) =>
        account.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 };
}
