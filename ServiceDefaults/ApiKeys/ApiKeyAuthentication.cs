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

// Holds the SHA-256 of each configured key: comparing fixed-size hashes in constant time reveals neither a key nor its length.
public sealed class ApiKeyRing
{
    private readonly byte[]? _adminKeyHash;
    private readonly byte[]? _appKeyHash;
    private readonly AuthenticationTicket _adminTicket;
    private readonly AuthenticationTicket _appTicket;

    public ApiKeyRing(IOptions<ApiKeyOptions> options)
    {
        _adminKeyHash = Hash(options.Value.AdminApiKey);
        _appKeyHash = Hash(options.Value.AppApiKey);
        _adminTicket = Ticket(ApiKeyRoles.Admin);
        _appTicket = Ticket(ApiKeyRoles.App);
    }

    public AuthenticationTicket? Authenticate(string presentedKey)
    {
        Span<byte> presented = stackalloc byte[SHA256.HashSizeInBytes];
        var bytes = Encoding.UTF8.GetBytes(presentedKey);
        SHA256.HashData(bytes, presented);
        var isAdmin = _adminKeyHash is not null && CryptographicOperations.FixedTimeEquals(presented, _adminKeyHash);
        var isApp = _appKeyHash is not null && CryptographicOperations.FixedTimeEquals(presented, _appKeyHash);
        return isAdmin ? _adminTicket : isApp ? _appTicket : null;
    }

    private static byte[]? Hash(string? key) => string.IsNullOrEmpty(key) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private static AuthenticationTicket Ticket(string role)
    {
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, role), new Claim(ClaimTypes.Role, role)], ApiKeyAuthenticationHandler.SchemeName);
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
