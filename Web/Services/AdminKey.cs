using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using Pushboard.Contracts;
using Pushboard.ServiceDefaults.ApiKeys;

namespace Pushboard.Web.Services;

public sealed class AdminKeyOptions
{
    [Microsoft.Extensions.Configuration.ConfigurationKeyName(ApiKeyOptions.AdminParameter)]
    public string? AdminApiKey { get; set; }
}

// The admin keys stay on the server: a listed one is checked at sign-in, the first listed one is added to every API
// call here (ApiKeyList), and neither is sent to the browser. A session carries the hash of the key it signed in with,
// inside the encrypted cookie, so that removing that key from the list ends the session.
public sealed class AdminKey(IOptions<AdminKeyOptions> options)
{
    public const string HashClaimType = "pushboard:admin-key-hash";

    private readonly byte[][] _hashes = [.. ApiKeyList.Keys(options.Value.AdminApiKey).Select(ApiKeyList.Hash)];

    public string Value { get; } = ApiKeyList.First(options.Value.AdminApiKey);

    // A client of an API with the key among its default headers, which a request gets once however often the service
    // defaults' resilience handler sends it again (a handler inside that one would add it on every attempt).
    public static void Configure(IServiceProvider services, HttpClient http, string address)
    {
        http.BaseAddress = new Uri(address);
        http.DefaultRequestHeaders.Add(ApiHeaders.ApiKey, services.GetRequiredService<AdminKey>().Value);
    }

    // The claim of a session signed in with the presented key, or null when it is not a listed admin key.
    public Claim? SessionClaim(string? presented)
    {
        if (presented is null)
        {
            return null;
        }

        var hash = ApiKeyList.Hash(presented);
        return ApiKeyList.IsListed(hash, _hashes) ? new Claim(HashClaimType, Convert.ToBase64String(hash)) : null;
    }

    public bool IsListed(ClaimsPrincipal session)
    {
        Span<byte> hash = stackalloc byte[32];
        return session.FindFirstValue(HashClaimType) is { } claim
            && Convert.TryFromBase64String(claim, hash, out var length) && length == hash.Length
            && ApiKeyList.IsListed(hash, _hashes);
    }
}

// Keys are read at start and a key change restarts the console, but a session cookie outlives the restart: every
// request checks that the session's key is still listed (a hash compared with each listed key's, no I/O).
public sealed partial class AdminSessionEvents(AdminKey key, ILogger<AdminSessionEvents> logger) : CookieAuthenticationEvents
{
    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        if (context.Principal is not null && !key.IsListed(context.Principal))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            LogSessionEnded(logger);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A console session signed in with an admin key that is no longer listed was ended.")]
    private static partial void LogSessionEnded(ILogger logger);
}
