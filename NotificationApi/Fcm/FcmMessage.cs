using System.Text;
using System.Text.Json;

namespace Pushboard.NotificationApi.Fcm;

// A notification's FCM message encoded once for all its sends: each send's body is the same UTF-8 bytes around its own
// target, `{"message":{"token":"…",<the message's fields>}}`, written into one array without an intermediate string.
public sealed class FcmMessage
{
    private static readonly byte[] TokenStart = "{\"message\":{\"token\":\""u8.ToArray();
    private static readonly byte[] TopicStart = "{\"message\":{\"topic\":\""u8.ToArray();

    // `"` after the target, then `,` and the message's fields (or nothing when it has none), then `}}`.
    private readonly byte[] _end;

    // messageJson: the stored FCM message without its target (a JSON object).
    public FcmMessage(string messageJson)
    {
        _end = Encoding.UTF8.GetBytes(messageJson.Length <= 2 ? "\"}}" : "\"," + messageJson[1..] + "}");
    }

    // The body of the send to token, or to topic when token is null.
    public byte[] Body(string? token, string? topic)
    {
        var start = token is not null ? TokenStart : TopicStart;
        var target = token ?? topic!;
        var targetBytes = IsPlain(target) ? target.Length : -1;
        var encoded = targetBytes < 0 ? JsonEncodedText.Encode(target).EncodedUtf8Bytes : default;
        var body = new byte[start.Length + (targetBytes < 0 ? encoded.Length : targetBytes) + _end.Length];
        start.CopyTo(body, 0);
        var written = start.Length + (targetBytes < 0
            ? Copy(encoded, body, start.Length)
            : Encoding.ASCII.GetBytes(target, 0, target.Length, body, start.Length));
        _end.CopyTo(body, written);
        return body;
    }

    private static int Copy(ReadOnlySpan<byte> source, byte[] destination, int at)
    {
        source.CopyTo(destination.AsSpan(at));
        return source.Length;
    }

    // FCM tokens and topic names are printable ASCII without a quote or a backslash: nothing of them needs escaping.
    private static bool IsPlain(string value)
    {
        foreach (var c in value)
        {
            if (c is < ' ' or > '~' or '"' or '\\')
            {
                return false;
            }
        }

        return true;
    }
}
