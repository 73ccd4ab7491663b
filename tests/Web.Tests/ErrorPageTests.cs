using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Pushboard.Web.Tests;

// The page a failed request is re-executed to outside Development (UseExceptionHandler("/error")): before it existed,
// the handler found nothing there and the operator got an empty 500.
public sealed class ErrorPageTests
{
    [Fact]
    public async Task The_error_page_answers_without_a_session_and_names_the_request()
    {
        await using var console = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            host.UseEnvironment("Production");
            host.UseSetting("Parameters:admin-api-key", "admin-key-0123456789abcdef0123");
        });
        using var client = console.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var page = await client.GetAsync("/error");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("Something went wrong", html);
        Assert.Matches("class=\"request-id\">[^<]+<", html);
    }
}
