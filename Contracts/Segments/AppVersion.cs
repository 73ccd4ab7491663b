using System.Text.RegularExpressions;

namespace Pushboard.Contracts.Segments;

// An app version as API.md compares them: 1–3 dot-separated non-negative integers (a missing one counts as 0), then
// optionally -prerelease and/or +build. The build is ignored; a pre-release sorts before its release, and two
// pre-releases of one version compare as Semantic Versioning 2.0 orders them (identifier by identifier, numeric ones
// as numbers and before alphanumeric ones, a shorter list first). DeviceApi's SQL function app_version_sort_key
// (migration SegmentIndexes) stores the same order; DeviceApi's SegmentTests check the two agree.
public sealed partial class AppVersion : IComparable<AppVersion>
{
    public const int MaxLength = 64;

    private readonly string[] _numbers;
    private readonly string[] _preRelease;

    private AppVersion(string[] numbers, string[] preRelease)
    {
        _numbers = numbers;
        _preRelease = preRelease;
    }

    [GeneratedRegex(@"^([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?\z")]
    private static partial Regex Shape();

    public static bool TryParse(string? value, out AppVersion version)
    {
        version = null!;
        if (value is null or { Length: 0 or > MaxLength } || Shape().Match(value) is not { Success: true } match)
        {
            return false;
        }

        string[] numbers = [.. Enumerable.Range(1, 3).Select(group => Number(match.Groups[group].Success ? match.Groups[group].Value : "0"))];
        var preRelease = match.Groups[4].Success ? match.Groups[4].Value.Split('.') : [];
        version = new AppVersion(numbers, preRelease);
        return true;
    }

    public static int Compare(AppVersion a, AppVersion b) => a.CompareTo(b);

    public int CompareTo(AppVersion? other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (var i = 0; i < _numbers.Length; i++)
        {
            if (CompareNumbers(_numbers[i], other._numbers[i]) is not 0 and var byNumber)
            {
                return byNumber;
            }
        }

        // A release (no pre-release identifiers) sorts after every pre-release of its version.
        if (_preRelease.Length == 0 || other._preRelease.Length == 0)
        {
            return (_preRelease.Length == 0).CompareTo(other._preRelease.Length == 0);
        }

        for (var i = 0; i < Math.Min(_preRelease.Length, other._preRelease.Length); i++)
        {
            if (CompareIdentifiers(_preRelease[i], other._preRelease[i]) is not 0 and var byIdentifier)
            {
                return byIdentifier;
            }
        }

        return _preRelease.Length.CompareTo(other._preRelease.Length);
    }

    private static int CompareIdentifiers(string a, string b)
    {
        var aNumeric = a.All(char.IsAsciiDigit);
        var bNumeric = b.All(char.IsAsciiDigit);
        return (aNumeric, bNumeric) switch
        {
            (true, true) => CompareNumbers(Number(a), Number(b)),
            (true, false) => -1,
            (false, true) => 1,
            _ => Math.Sign(string.CompareOrdinal(a, b)),
        };
    }

    // Digits without leading zeros: a longer one is larger, then digit by digit (no overflow, whatever the length).
    private static int CompareNumbers(string a, string b) =>
        a.Length != b.Length ? a.Length.CompareTo(b.Length) : Math.Sign(string.CompareOrdinal(a, b));

    private static string Number(string digits) => digits.TrimStart('0');
}
