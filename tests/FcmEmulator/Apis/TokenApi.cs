using System.Text;
using System.Text.Json;
using Pushboard.FcmEmulator.Model;

namespace Pushboard.FcmEmulator.Apis;

// The OAuth2 JWT-bearer grant Google.Apis.Auth sends to a service account's token_uri.
// The emulator cannot know the service account's key, so it checks the assertion's shape and claims, not its signature.
public static class TokenApi
{
    private const string JwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private const string MessagingScope = "https://www.googleapis.com/auth/firebase.messaging";

    public static IEndpointRouteBuilder MapTokenApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/token", IssueToken).DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> IssueToken(HttpRequest request, AccessTokens tokens, FaultInjection faults, TimeProvider time)
    {
        if (!request.HasFormContentType)
        {
            return OAuthError("invalid_request", "Expected an application/x-www-form-urlencoded body.");
        }

        var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
        if (form["grant_type"] != JwtBearerGrant)
        {
            return OAuthError("unsupported_grant_type", $"grant_type must be {JwtBearerGrant}.");
        }

        if (faults.Profile.TokenLatencyMs > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(faults.Profile.TokenLatencyMs), time, request.HttpContext.RequestAborted);
        }

        var problem = faults.Profile.RefuseServiceAccount ? "Invalid JWT Signature." : CheckAssertion(form["assertion"].ToString(), time.GetUtcNow());
        if (problem is not null)
        {
            return OAuthError("invalid_grant", problem);
        }

        return Results.Json(new Dictionary<string, object>
        {
            ["access_token"] = tokens.Issue(),
            ["token_type"] = "Bearer",
            ["expires_in"] = (int)AccessTokens.Lifetime.TotalSeconds,
        });
    }

    private static string? CheckAssertion(string assertion, DateTimeOffset now)
    {
        var parts = assertion.Split('.');
        if (parts.Length != 3 || parts[2].Length == 0)
        {
            return "The assertion is not a signed JWT.";
        }

        try
        {
            using var header = JsonDocument.Parse(Base64UrlDecode(parts[0]));
            using var claims = JsonDocument.Parse(Base64UrlDecode(parts[1]));
            if (!header.RootElement.TryGetProperty("alg", out var alg) || alg.GetString() != "RS256")
            {
                return "The assertion must be signed with RS256.";
            }

            var root = claims.RootElement;
            if (!root.TryGetProperty("iss", out var issuer) || string.IsNullOrEmpty(issuer.GetString()))
            {
                return "The assertion has no issuer.";
            }

            if (!root.TryGetProperty("scope", out var scope) || !(scope.GetString() ?? "").Split(' ').Contains(MessagingScope))
            {
                return $"The assertion's scope must include {MessagingScope}.";
            }

            if (!root.TryGetProperty("exp", out var expiry) || DateTimeOffset.FromUnixTimeSeconds(expiry.GetInt64()) <= now)
            {
                return "The assertion has expired.";
            }

            return null;
        }
        catch (Exception exception) when (exception is JsonException or FormatException or InvalidOperationException)
        {
            return "The assertion is not a valid JWT.";
        }
    }

    private static byte[] Base64UrlDecode(string value)
    {
        var base64 = value.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '='));
    }

    private static IResult OAuthError(string error, string description) =>
        Results.Json(new Dictionary<string, string> { ["error"] = error, ["error_description"] = description }, statusCode: 400);
}
