using System.Text.Json;

namespace Pushboard.Web.Services;

// The Idempotency-Key of the compose form's sends. A send NotificationApi may have accepted without its answer reaching
// the console (a timeout, a lost connection) keeps its key while the request stays the same, so sending it again gets
// that notification back instead of a second one; the client's resilience pipeline retries with the same header too.
// A changed request gets a new key (a key reused with another body is a 422). An accepted send leaves the page.
public sealed class SendKey
{
    private string? _request;
    private string _key = "";

    public string For(object request)
    {
        var body = JsonSerializer.Serialize(request, JsonSerializerOptions.Web);
        if (body != _request)
        {
            _request = body;
            _key = Guid.NewGuid().ToString("N");
        }

        return _key;
    }
}
