namespace Pushboard.Tests;

// A body over a service's limit, sent as a client sending a large body should: with Expect: 100-continue, so the 413
// comes before the body is written. Without it the server may close the connection while the body is still being
// written, and the client then reads a reset or a broken pipe instead of the 413 (CI runs saw both).
public static class OverLimitBody
{
    public static HttpRequestMessage Request(HttpMethod method, string path, HttpContent body) =>
        new(method, path) { Content = body, Headers = { ExpectContinue = true } };
}
