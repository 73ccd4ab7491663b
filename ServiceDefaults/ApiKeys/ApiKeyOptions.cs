using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Pushboard.ServiceDefaults.ApiKeys;

// The two keys the AppHost hands over as `Parameters:admin-api-key` and `Parameters:app-api-key`.
public sealed class ApiKeyOptions
{
    public const string Section = "Parameters";
    public const int MinLength = 16;

    [ConfigurationKeyName("admin-api-key")]
    public string? AdminApiKey { get; set; }

    [ConfigurationKeyName("app-api-key")]
    public string? AppApiKey { get; set; }
}

// Outside Development the service refuses to start without two strong keys.
public sealed class ApiKeyOptionsValidator(IHostEnvironment environment) : IValidateOptions<ApiKeyOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiKeyOptions options)
    {
        if (environment.IsDevelopment())
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        Check("admin-api-key", options.AdminApiKey);
        Check("app-api-key", options.AppApiKey);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void Check(string parameter, string? key)
        {
            if (string.IsNullOrEmpty(key) || key.Length < ApiKeyOptions.MinLength)
            {
                failures.Add($"The API key parameter '{parameter}' (configuration 'Parameters:{parameter}', environment "
                    + $"'Parameters__{parameter}') must be set to at least {ApiKeyOptions.MinLength} characters.");
            }
        }
    }
}
