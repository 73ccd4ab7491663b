using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Pushboard.ServiceDefaults.ApiKeys;

public static class ApiKeyAuthenticationExtensions
{
    // `X-Api-Key` authentication with the two AppHost keys, the admin/app policies and per-key rate limiting.
    public static IHostApplicationBuilder AddApiKeyAuthentication(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ApiKeyOptions>().BindConfiguration(ApiKeyOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiKeyOptions>, ApiKeyOptionsValidator>();
        services.AddSingleton<ApiKeyRing>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiKeyPolicies.Admin, policy => policy.RequireRole(ApiKeyRoles.Admin))
            .AddPolicy(ApiKeyPolicies.DeviceWriter, policy => policy.RequireRole(ApiKeyRoles.Admin, ApiKeyRoles.App));
        services.AddApiKeyRateLimiting();
        return builder;
    }
}
