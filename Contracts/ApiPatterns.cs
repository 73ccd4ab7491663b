using System.Text.RegularExpressions;

namespace Pushboard.Contracts;

// The shapes API.md gives a device id and an FCM topic name (\z: a trailing newline does not pass).
public static partial class ApiPatterns
{
    [GeneratedRegex(@"^[A-Za-z0-9._:-]{1,128}\z")]
    public static partial Regex DeviceId();

    [GeneratedRegex(@"^[a-zA-Z0-9-_.~%]{1,900}\z")]
    public static partial Regex Topic();
}
