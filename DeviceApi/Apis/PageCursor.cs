using System.Buffers.Text;
using System.Text;

namespace Pushboard.DeviceApi.Apis;

// The `next`/`after` cursor of device lists: the last deviceId of a page, base64url-encoded behind a version tag
// so that clients treat it as opaque and a later format can be told apart.
public static class PageCursor
{
    private const string Prefix = "d1:";

    public static string Encode(string lastDeviceId) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Prefix + lastDeviceId));

    public static bool TryDecode(string cursor, out string lastDeviceId)
    {
        lastDeviceId = "";
        if (cursor.Length is 0 or > 1024 || !Base64Url.IsValid(cursor))
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (FormatException)
        {
            return false;
        }
        catch (ArgumentException)
        {
            return false;
        }

        if (!decoded.StartsWith(Prefix, StringComparison.Ordinal) || !DeviceValidation.IsDeviceId(decoded[Prefix.Length..]))
        {
            return false;
        }

        lastDeviceId = decoded[Prefix.Length..];
        return true;
    }
}
