using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Pushboard.DeviceApi.Identity;

// Device secrets (API.md "Device identity"). Only their SHA-256 is stored. A fast hash is enough, no slow KDF: a
// secret is 32 random bytes (or 43+ base64url characters the app chose), so there is no dictionary to guess from,
// and a slow KDF would cost every token refresh CPU for nothing.
public static partial class DeviceSecrets
{
    public const int RandomBytes = 32;

    public static string New() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(RandomBytes));

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    // The shape of a secret the app chooses itself: 43-128 base64url characters (43 encode 32 bytes).
    [GeneratedRegex("^[A-Za-z0-9_-]{43,128}$")]
    public static partial Regex ChosenShape();
}
