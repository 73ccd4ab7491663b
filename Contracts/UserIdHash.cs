using System.Security.Cryptography;
using System.Text;

namespace Pushboard.Contracts;

// The `userIdHash` of API.md "Device identity": what the app's back end computes to vouch for a userId, and what
// DeviceApi compares it with.
public static class UserIdHash
{
    // Lowercase hex HMAC-SHA256 of the userId's UTF-8 bytes, keyed with the identity secret's UTF-8 bytes.
    public static string Compute(string userId, string identitySecret) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(identitySecret), Encoding.UTF8.GetBytes(userId)));

    // Compared in constant time; anything but the exact lowercase string (upper case, truncated, another user's) is refused.
    public static bool Matches(string userId, string? presentedHash, string identitySecret) =>
        presentedHash is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(Compute(userId, identitySecret)), Encoding.UTF8.GetBytes(presentedHash));
}
