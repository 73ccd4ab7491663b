using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Pushboard.Web.Tests;

// The console in process: a session cookie outlives a restart with other keys, as it does in a deployment.
public sealed partial class SessionTests : IDisposable
{
    private const string NewKey = "new-admin-key-0123456789abcdef";
    private const string OldKey = "old-admin-key-0123456789abcdef";

    // Both hosts decrypt each other's cookies, like replicas and restarts of the console sharing their key ring.
    private readonly DirectoryInfo _dataProtectionKeys = Directory.CreateTempSubdirectory("pushboard-web-tests-");

    [Fact]
    public async Task A_session_signed_in_with_a_key_that_is_no_longer_listed_is_sent_to_login()
    {
        // Step 2 of a rotation: the new key first, the old one still listed; an operator signs in with the old one.
        await using var during = Console($"{NewKey}, {OldKey}");
        using var duringClient = Client(during);
        var session = await SignInAsync(duringClient, OldKey);
        using var served = await GetAsync(duringClient, "/", session);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);

        // Step 3: the old key is removed and the console restarted.
        await using var after = Console(NewKey);
        using var afterClient = Client(after);
        using var refused = await GetAsync(afterClient, "/", session);

        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Equal("/login", refused.Headers.Location?.AbsolutePath);
        Assert.Contains(refused.Headers.GetValues("Set-Cookie"), cookie => cookie.StartsWith("pushboard=;", StringComparison.Ordinal));
    }

    public void Dispose() => _dataProtectionKeys.Delete(recursive: true);

    private WebApplicationFactory<Program> Console(string adminKeys) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            host.UseEnvironment("Development");
            host.UseSetting("Parameters:admin-api-key", adminKeys);
            host.ConfigureServices(services => services.AddDataProtection().PersistKeysToFileSystem(_dataProtectionKeys));
        });

    private static HttpClient Client(WebApplicationFactory<Program> console) =>
        console.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        return await client.SendAsync(request);
    }

    [Theory]
    [InlineData("/login?ReturnUrl=%2Fdevices%3Fuser%3Du-1", "/devices?user=u-1")]
    [InlineData("/login?ReturnUrl=%2F%2Fevil.example%2Fdevices", "/")]
    [InlineData("/login?ReturnUrl=%2F%5Cevil.example", "/")]
    [InlineData("/login?ReturnUrl=https%3A%2F%2Fevil.example%2F", "/")]
    [InlineData("/login", "/")]
    public async Task Sign_in_goes_back_to_the_page_that_asked_for_it_when_it_is_one_of_the_consoles(string login, string next)
    {
        await using var console = Console(NewKey);
        using var client = Client(console);

        using var signedIn = await PostKeyAsync(client, NewKey, login);

        Assert.Equal(new Uri(client.BaseAddress!, next), signedIn.Headers.Location);
    }

    [Fact]
    public async Task A_page_asked_for_without_a_session_sends_to_login_with_its_address()
    {
        await using var console = Console(NewKey);
        using var client = Client(console);

        using var refused = await client.GetAsync("/devices?user=u-1");

        Assert.Equal("/login?ReturnUrl=%2Fdevices%3Fuser%3Du-1", refused.Headers.Location?.PathAndQuery);
    }

    private static async Task<string> SignInAsync(HttpClient client, string key)
    {
        using var signedIn = await PostKeyAsync(client, key, "/login");
        return CookiePair(Assert.Single(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("pushboard=", StringComparison.Ordinal)));
    }

    // The sign-in form is a Blazor form with an antiforgery token and cookie: read them from the page, then post the key
    // to the page's address (as a browser posts a form without an action).
    private static async Task<HttpResponseMessage> PostKeyAsync(HttpClient client, string key, string login)
    {
        using var form = await client.GetAsync(login);
        var antiforgeryCookie = CookiePair(Assert.Single(form.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal)));
        var token = AntiforgeryToken().Match(await form.Content.ReadAsStringAsync()).Groups[1].Value;
        using var request = new HttpRequestMessage(HttpMethod.Post, login)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
                ["_handler"] = "login",
                ["Input.Key"] = key,
            }),
        };
        request.Headers.Add("Cookie", antiforgeryCookie);
        return await client.SendAsync(request);
    }

    private static string CookiePair(string setCookie) => setCookie.Split(';')[0];

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
