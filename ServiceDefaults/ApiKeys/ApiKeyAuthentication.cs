using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Pushboard.Contracts;

namespace Pushboard.ServiceDefaults.ApiKeys;

public static class ApiKeyRoles
{
    public const string Admin = "admin";
    public const string App = "app";
}

public static class ApiKeyPolicies
{
    public const string Admin = "admin";
    public const string DeviceWriter = "device-writer";
}

public static class ApiKeyClaims
{
    // Which listed key authenticated a call ("admin-2": the second admin key), so that each key has a rate limit of its own.
    public const string KeyId = "pushboard:key-id";
}

// Holds the SHA-256 of each listed key. Every listed key is compared, so the time taken says nothing about which matched.
public sealed class ApiKeyRing
{
    private readonly (byte[] Hash, AuthenticationTicket Ticket)[] _keys;

    public ApiKeyRing(IOptions<ApiKeyOptions> options)
    {
        _keys =
        [
            .. ApiKeyList.Keys(options.Value.AdminApiKey).Select((key, i) => (ApiKeyList.Hash(key), Ticket(ApiKeyRoles.Admin, i))),
            .. ApiKeyList.Keys(options.Value.AppApiKey).Select((key, i) => (ApiKeyList.Hash(key), Ticket(ApiKeyRoles.App, i))),
        ];
    }

    public AuthenticationTicket? Authenticate(string presentedKey)
    {
        Span<byte> presented = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presentedKey), presented);
        AuthenticationTicket? match = null;
        foreach (var (hash, ticket) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(presented, hash))
            {
                match ??= ticket;
            }
        }

        return match;
    }

    private static AuthenticationTicket Ticket(string role, int position)
    {
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, role), new Claim(ClaimTypes.Role, role), new Claim(ApiKeyClaims.KeyId, $"{role}-{position + 1}")],
            ApiKeyAuthenticationHandler.SchemeName);
        return new AuthenticationTicket(new ClaimsPrincipal(identity), ApiKeyAuthenticationHandler.SchemeName);
    }
}

// `X-Api-Key` authentication; its 401 and 403 answers are problem details like every other error.
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiKeyRing keys,
    IProblemDetailsService problemDetails)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(ApiHeaders.ApiKey, out var values) || values.Count != 1 || string.IsNullOrEmpty(values[0]))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var ticket = keys.Authenticate(values[0]!);
        return Task.FromResult(ticket is null ? AuthenticateResult.Fail("The API key is not valid.") : AuthenticateResult.Success(ticket));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status401Unauthorized, "Unauthorized", $"A valid API key is required in the {ApiHeaders.ApiKey} header.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status403Forbidden, "Forbidden", "This API key may not make this call.");

    private async Task WriteProblemAsync(int status, string title, string detail)
    {
        Response.StatusCode = status;
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }
}
