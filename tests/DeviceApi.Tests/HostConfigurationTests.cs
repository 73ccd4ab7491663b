extern alias deviceapi;

using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;

namespace Pushboard.DeviceApi.Tests;

// DeviceApi in process, on the fixture's database and Redis, with settings the shared app cannot have.
[Collection(DeviceApiCollection.Name)]
public sealed class HostConfigurationTests(DeviceApiFixture fixture)
{
    private const string AppKey = "in-process-app-key-0123456789";
    private const string IdentitySecret = "in-process-identity-secret-0123456789";

    private async Task<WebApplicationFactory<deviceapi::Program>> HostAsync(string environment, params (string Key, string Value)[] settings)
    {
        var devicesDb = await fixture.ConnectionStringOf("devicesdb");
        var cache = await fixture.ConnectionStringOf("cache");
        return new WebApplicationFactory<deviceapi::Program>().WithWebHostBuilder(host =>
        {
            host.UseEnvironment(environment);
            host.UseSetting("ConnectionStrings:devicesdb", devicesDb);
            host.UseSetting("ConnectionStrings:cache", cache);
            // Its own consumer group: this short-lived host must not take events meant for the shared DeviceApi.
            host.UseSetting("DeviceEvents:ConsumerGroup", "host-configuration-tests");
            foreach (var (key, value) in settings)
            {
                host.UseSetting(key, value);
            }
        });
    }

    [Fact]
    public async Task A_key_over_its_rate_answers_429_with_retry_after()
    {
        await using var factory = await HostAsync("Development",
            ("Parameters:admin-api-key", "in-process-admin-key-0123456789"), ("Parameters:app-api-key", AppKey), ("RateLimiting:PermitsPerSecond", "5"));
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", AppKey);
        var id = TestData.NewId();

        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 12; i++)
        {
            responses.Add(await client.DeleteAsync($"/api/devices/{id}"));
        }

        Assert.Equal(HttpStatusCode.NoContent, responses[0].StatusCode);
        var limited = responses.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        await limited.AssertProblem(429);
        Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("too-short-key")]
    public async Task Outside_development_a_missing_or_short_key_stops_the_start(string? adminKey)
    {
        var settings = new List<(string, string)> { ("Parameters:app-api-key", AppKey), ("Parameters:identity-secret", IdentitySecret) };
        if (adminKey is not null)
        {
            settings.Add(("Parameters:admin-api-key", adminKey));
        }

        await using var factory = await HostAsync("Production", [.. settings]);
        var failure = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());
        Assert.Contains("admin-api-key", failure.Message);
        Assert.DoesNotContain(AppKey, failure.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("too-short")]
    public async Task Outside_development_a_missing_or_short_identity_secret_stops_the_start(string? identitySecret)
    {
        var settings = new List<(string, string)> { ("Parameters:app-api-key", AppKey), ("Parameters:admin-api-key", "in-process-admin-key-0123456789") };
        if (identitySecret is not null)
        {
            settings.Add(("Parameters:identity-secret", identitySecret));
        }

        await using var factory = await HostAsync("Production", [.. settings]);
        var failure = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());
        Assert.Contains("identity-secret", failure.Message);
        Assert.DoesNotContain(identitySecret ?? "(none)", failure.Message);
    }
}
