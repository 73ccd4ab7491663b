using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Pushboard.Contracts;
using Pushboard.Web.Services;

namespace Pushboard.Web.Tests;

// The console's API clients: as the console builds them (service defaults' retries included) in front of an API that
// first answers 503, as NotificationApi does when its queue is full; and reading answers that are not problem details.
public sealed class ApiClientTests
{
    private const string AdminKey = "admin-key-0123456789abcdef";

    [Fact]
    public async Task A_call_retried_after_a_503_carries_the_admin_key_once()
    {
        var api = new BusyOnceHandler();
        await using var console = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            host.UseEnvironment("Development");
            host.UseSetting("Parameters:admin-api-key", AdminKey);
            host.ConfigureServices(services => services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler(() => api)));
        });

        var page = await console.Services.GetRequiredService<INotificationApiClient>().ListAsync(status: null, after: null, limit: 20);

        Assert.Empty(page.Items);
        Assert.Equal([[AdminKey], [AdminKey]], api.Keys);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""{"detail":5,"errors":{"id":"bad"}}""")]
    [InlineData("<html>Bad gateway</html>")]
    public async Task An_error_answer_that_is_not_problem_details_is_told_by_its_status(string body)
    {
        var deviceApi = new AnsweringHandler(HttpStatusCode.BadGateway, body);

        var refused = await Assert.ThrowsAsync<ApiException>(() => new DeviceApiClient(deviceApi.Client("http://deviceapi")).GetAsync("d-1"));

        Assert.StartsWith("The service answered 502", refused.Message);
    }

    private sealed class BusyOnceHandler : HttpMessageHandler
    {
        public List<string[]> Keys { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Keys.Add(request.Headers.TryGetValues(ApiHeaders.ApiKey, out var keys) ? [.. keys] : []);
            return Task.FromResult(Keys.Count == 1
                ? new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Headers = { RetryAfter = new(TimeSpan.Zero) } }
                : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("""{"items":[],"next":null}""", Encoding.UTF8, "application/json") });
        }
    }
}
