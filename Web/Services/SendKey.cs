using System.Text.Json;

namespace Pushboard.Web.Services;

// The Idempotency-Key of the compose form's sends. A send NotificationApi may have accepted without its answer reaching
// the console (a timeout, a lost connection) keeps its key: the same request sent again from this page, also after
// edits that were undone, gets that notification back instead of a second one; the client's resilience pipeline
// retries with the same header too. Another request gets another key (a key reused with another body is a 422). An
// accepted send leaves the page, and with it the keys.
public sealed class SendKey
{
    private readonly Dictionary<string, string> _keys = [];

    public string For(object request)
    {
        var body = JsonSerializer.Serialize(request, JsonSerializerOptions.Web);
        if (!_keys.TryGetValue(body, out var key))
        {
            key = Guid.NewGuid().ToString("N");
            _keys[body] = key;
        }

        return key;
    }
}
