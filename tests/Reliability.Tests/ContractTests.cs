using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Pushboard.Tests;

namespace Pushboard.Reliability.Tests;

// API.md's contract where a new user tried it and found it broken: health without a key, the order of checks, content types,
// and the console's sign-in.
[Collection(ReliabilityCollection.Name)]
public sealed partial class ContractTests(ReliabilityAppFixture fixture)
{
    [Fact]
    public async Task The_console_serves_health_and_liveness_without_a_sign_in()
    {
        using var http = NewWebClient();

        using var health = await http.GetAsync("/health");
        using var alive = await http.GetAsync("/alive");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (health.StatusCode, alive.StatusCode));
    }

    [Theory]
    [InlineData("deviceapi", "PUT", "/api/devices/order-check")]
    [InlineData("notificationapi", "POST", "/api/notifications")]
    public async Task The_key_is_checked_before_the_content_type(string service, string method, string path)
    {
        using var noKey = fixture.CreateClient(service);
        using var withKey = fixture.CreateAdminClient(service);

        using var unauthenticated = await noKey.SendAsync(PlainText(method, path));
        using var unsupported = await withKey.SendAsync(PlainText(method, path));

        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, unsupported.StatusCode);
        Assert.Equal("application/problem+json", unsupported.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task NotificationApi_answers_415_to_a_body_that_is_not_application_json_and_stores_nothing()
    {
        using var client = new PushboardClient(fixture);
        var key = PushboardClient.Unique("key");
        const string body = """{"target":{"topic":"news"},"data":{"a":"b"}}""";
        using var plain = new HttpRequestMessage(HttpMethod.Post, "/api/notifications") { Content = new StringContent(body, Encoding.UTF8, "text/plain") };
        plain.Headers.Add("Idempotency-Key", key);

        using var refused = await client.Notifications.SendAsync(plain);
        using var json = new HttpRequestMessage(HttpMethod.Post, "/api/notifications") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        json.Headers.Add("Idempotency-Key", key);
        using var accepted = await client.Notifications.SendAsync(json);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
    }

    [Fact]
    public async Task A_refused_key_is_not_written_back_into_the_sign_in_page()
    {
        using var http = NewWebClient();
        var refusedKey = "not-the-key-" + Guid.NewGuid().ToString("N");

        using var page = await SignInAsync(http, refusedKey, forwardedProto: null);
        var html = await page.Content.ReadAsStringAsync();

        Assert.Contains("That key is not the admin key.", html);
        Assert.DoesNotContain(refusedKey, html);
    }

    [Fact]
    public async Task The_sign_in_cookie_is_Secure_when_the_proxy_forwarded_https()
    {
        using var plainHttp = NewWebClient();
        using var forwardedHttps = NewWebClient();

        using var overHttp = await SignInAsync(plainHttp, fixture.AdminApiKey, forwardedProto: null);
        using var overHttps = await SignInAsync(forwardedHttps, fixture.AdminApiKey, forwardedProto: "https");

        Assert.DoesNotContain("secure", AuthCookie(overHttp), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("secure", AuthCookie(overHttps), StringComparison.OrdinalIgnoreCase);
    }

    private static HttpRequestMessage PlainText(string method, string path) =>
        new(new HttpMethod(method), path) { Content = new StringContent("{}", Encoding.UTF8, "text/plain") };

    private HttpClient NewWebClient() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = fixture.EndpointOf("web"),
        };

    // The sign-in form is a Blazor form with an antiforgery token: read it from the page, then post the key.
    private static async Task<HttpResponseMessage> SignInAsync(HttpClient http, string key, string? forwardedProto)
    {
        var form = await http.GetStringAsync("/login");
        var token = AntiforgeryToken().Match(form).Groups[1].Value;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
                ["_handler"] = "login",
                ["Input.Key"] = key,
            }),
        };
        if (forwardedProto is not null)
        {
            request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        }

        return await http.SendAsync(request);
    }

    private static string AuthCookie(HttpResponseMessage response) =>
        Assert.Single(response.Headers.GetValues("Set-Cookie"), cookie => cookie.StartsWith("pushboard=", StringComparison.Ordinal));

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
