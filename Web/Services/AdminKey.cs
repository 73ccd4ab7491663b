using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Pushboard.Contracts;

namespace Pushboard.Web.Services;

public sealed class AdminKeyOptions
{
    [Microsoft.Extensions.Configuration.ConfigurationKeyName("admin-api-key")]
    public string? AdminApiKey { get; set; }
}

// The admin key stays on the server: it is checked at sign-in and added to every API call here, never sent to the browser.
public sealed class AdminKey(IOptions<AdminKeyOptions> options)
{
    private readonly byte[] _hash = SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.AdminApiKey ?? ""));

    public string Value => options.Value.AdminApiKey ?? "";

    public bool Matches(string? presented) =>
        !string.IsNullOrEmpty(options.Value.AdminApiKey) && presented is not null
        && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), _hash);
}

public sealed class AdminKeyHandler(AdminKey key) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Add(ApiHeaders.ApiKey, key.Value);
        return base.SendAsync(request, cancellationToken);
    }
}
