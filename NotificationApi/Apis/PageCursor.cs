using System.Buffers.Text;
using System.Text;

namespace Pushboard.NotificationApi.Apis;

// Opaque keyset cursors: the last key of a page, base64url-encoded.
public static class PageCursor
{
    public static string Encode(string key) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(key));

    public static bool TryDecode(string? cursor, out string key)
    {
        key = "";
        if (cursor is null)
        {
            return true;
        }

        try
        {
            key = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            return key.Length > 0;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
