using Microsoft.Extensions.Options;

namespace Pushboard.DeviceApi.Identity;

// The AppHost's `identity-secret` parameter: the key of the userIdHash an app's back end computes (API.md "Device identity").
public sealed class IdentityOptions
{
    public const string Section = "Parameters";
    public const int MinLength = 16;

    [ConfigurationKeyName("identity-secret")]
    public string? IdentitySecret { get; set; }
}

// Outside Development the service refuses to start without a strong identity secret, like the API keys:
// without one, any holder of the public app key could bind a device to any userId.
public sealed class IdentityOptionsValidator(IHostEnvironment environment) : IValidateOptions<IdentityOptions>
{
    public ValidateOptionsResult Validate(string? name, IdentityOptions options) =>
        environment.IsDevelopment() || options.IdentitySecret is { Length: >= IdentityOptions.MinLength }
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                "The parameter 'identity-secret' (configuration 'Parameters:identity-secret', environment "
                + $"'Parameters__identity-secret') must be set to at least {IdentityOptions.MinLength} characters.");
}
