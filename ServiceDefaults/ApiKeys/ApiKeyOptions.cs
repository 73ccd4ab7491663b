using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Pushboard.ServiceDefaults.ApiKeys;

// The two key parameters the AppHost hands over as `Parameters:admin-api-key` and `Parameters:app-api-key`.
public sealed class ApiKeyOptions
{
    public const string Section = "Parameters";
    public const string AdminParameter = "admin-api-key";
    public const string AppParameter = "app-api-key";

    [ConfigurationKeyName(AdminParameter)]
    public string? AdminApiKey { get; set; }

    [ConfigurationKeyName(AppParameter)]
    public string? AppApiKey { get; set; }
}

// A key parameter lists one or more keys separated by commas, so that a key can be rotated without downtime: every
// listed key works, and Pushboard's own calls (the console, NotificationApi to DeviceApi) use the first one.
// Whitespace around a comma is trimmed: "new-key, old-key" lists two keys, since a pasted list is easily spaced.
public static class ApiKeyList
{
    public const int MinLength = 16;

    public static string[] Keys(string? parameterValue) =>
        (parameterValue ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static string First(string? parameterValue) => Keys(parameterValue).FirstOrDefault() ?? "";

    // Comparing fixed-size hashes in constant time reveals neither a key nor its length.
    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    public static bool IsListed(ReadOnlySpan<byte> hash, IReadOnlyList<byte[]> listed)
    {
        var found = false;
        foreach (var candidate in listed)
        {
            found |= CryptographicOperations.FixedTimeEquals(hash, candidate);
        }

        return found;
    }

    // Null when the parameter lists at least one key, none shorter than MinLength and no empty entry ("a,,b", "a,").
    public static string? Problem(string parameter, string? parameterValue)
    {
        var entries = (parameterValue ?? "").Split(',', StringSplitOptions.TrimEntries);
        return entries.All(key => key.Length >= MinLength)
            ? null
            : $"The API key parameter '{parameter}' (configuration 'Parameters:{parameter}', environment 'Parameters__{parameter}') "
                + $"must list one or more keys separated by commas, each at least {MinLength} characters.";
    }
}

// Outside Development the service refuses to start without strong keys.
public sealed class ApiKeyOptionsValidator(IHostEnvironment environment) : IValidateOptions<ApiKeyOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiKeyOptions options)
    {
        if (environment.IsDevelopment())
        {
            return ValidateOptionsResult.Success;
        }

        string[] failures =
        [
            .. new[] { ApiKeyList.Problem(ApiKeyOptions.AdminParameter, options.AdminApiKey), ApiKeyList.Problem(ApiKeyOptions.AppParameter, options.AppApiKey) }
                .OfType<string>(),
        ];
        return failures.Length == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
