using System.Buffers.Text;
using System.Text;

namespace Pushboard.Contracts;

// The `next`/`after` cursor of every keyset-paged list: the last key of a page, base64url-encoded behind a tag naming
// the list and the format, so clients treat it as opaque, one list refuses another's cursor, and a later format can be
// told apart. The caller checks that the key has its list's shape.
public static class PageCursor
{
    public const string Devices = "d1";
    public const string Notifications = "n1";
    public const string Deliveries = "l1";

    private const int MaxLength = 1024;

    public static string Encode(string list, string lastKey) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{list}:{lastKey}"));

    public static bool TryDecode(string list, string cursor, out string lastKey)
    {
        lastKey = "";
        if (cursor.Length is 0 or > MaxLength || !Base64Url.IsValid(cursor))
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException)
        {
            return false;
        }

        var prefix = list + ":";
        if (!decoded.StartsWith(prefix, StringComparison.Ordinal) || decoded.Length == prefix.Length)
        {
            return false;
        }

        lastKey = decoded[prefix.Length..];
        return true;
    }
}
