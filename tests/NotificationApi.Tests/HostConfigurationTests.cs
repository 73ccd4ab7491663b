using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Pushboard.Tests;

namespace Pushboard.NotificationApi.Tests;

// A setting that would make the service misbehave quietly (every send timed out at once, consumers claiming each
// other's work in flight, an Idempotency-Key forgotten at once) stops the start instead, naming the setting.
[Collection(NotificationApiCollection.Name)]
public sealed class HostConfigurationTests(PushboardAppFixture fixture)
{
    [Theory]
    [InlineData("Fcm:Timeout", "00:00:00")]
    [InlineData("Fcm:Timeout", "30.00:00:00")]
    [InlineData("Fcm:StopGrace", "-00:00:01")]
    [InlineData("Fcm:Endpoint", "fcm.googleapis.com")]
    [InlineData("Fcm:MaxConnections", "0")]
    [InlineData("Sending:Concurrency", "0")]
    [InlineData("Sending:ClaimIdle", "00:00:00")]
    [InlineData("Sending:RetryMaxDelay", "00:00:00.1")]
    [InlineData("Sending:RetryAfterMax", "00:00:10")]
    [InlineData("Sending:RetryAfterMax", "60.00:00:00")]
    [InlineData("Notifications:IdempotencyWindow", "-01:00:00")]
    [InlineData("Retention:Interval", "60.00:00:00")]
    [InlineData("RateLimiting:PermitsPerSecond", "0")]
    public async Task A_setting_out_of_its_range_stops_the_start_naming_it(string key, string value)
    {
        await using var own = await OwnNotificationsDb.CreateAsync(fixture);

        // A replica that started after all is stopped, so that its work loops do not outlive the test.
        var failure = await Record.ExceptionAsync(async () => await (await InProcessReplica.StartAsync(fixture, own, settings: [(key, value)])).DisposeAsync());

        Assert.Contains(key + " must", Assert.IsType<OptionsValidationException>(failure).Message);
    }

    public static TheoryData<string> MalformedServiceAccounts()
    {
        using var rsa = RSA.Create(2048);
        var key = rsa.ExportPkcs8PrivateKeyPem();
        const string email = "pushboard@p.iam.gserviceaccount.com";
        return new()
        {
            "not json",
            "{}",
            Account(projectId: null, email, key),
            Account("p", email: null, key),
            Account("p", email, privateKey: null),
            Account("p", email, "-----BEGIN PRIVATE KEY-----\nnot-a-key\n-----END PRIVATE KEY-----\n"),
        };
    }

    private static string Account(string? projectId, string? email, string? privateKey) =>
        JsonSerializer.Serialize(new Dictionary<string, string?>
        {
            ["type"] = "service_account", ["project_id"] = projectId, ["client_email"] = email, ["private_key"] = privateKey,
        }.Where(field => field.Value is not null).ToDictionary());

    // Before, the service account was read at the first send or health check: the service started, accepted
    // notifications it could never send, and /health answered 500.
    [Theory]
    [MemberData(nameof(MalformedServiceAccounts))]
    public async Task A_malformed_service_account_stops_the_start_naming_the_parameter(string serviceAccount)
    {
        await using var own = await OwnNotificationsDb.CreateAsync(fixture);

        var failure = await Record.ExceptionAsync(async () =>
            await (await InProcessReplica.StartAsync(fixture, own, settings: [("Fcm:ServiceAccountJson", serviceAccount)])).DisposeAsync());

        var message = Assert.IsType<OptionsValidationException>(failure).Message;
        Assert.Contains("'firebase-service-account'", message);
        Assert.DoesNotContain("PRIVATE KEY", message);
    }
}
