using System.Net;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pushboard.NotificationApi.Fcm;
using Pushboard.Tests;

namespace Pushboard.NotificationApi.Tests;

// FcmClient's own sending, outside a notification: the real OAuth2 path against the emulator's token endpoint.
[Collection(NotificationApiCollection.Name)]
public sealed class FcmClientTests(PushboardAppFixture fixture)
{
    [Fact]
    public async Task Sends_to_an_address_that_refuses_connections_each_end_retryable_however_many_there_are()
    {
        var serviceAccount = fixture.App.Services.GetRequiredService<DistributedApplicationModel>().Resources
            .OfType<ParameterResource>().Single(p => p.Name == "firebase-service-account");
        var credential = new FcmCredential(Options.Create(new FcmOptions { ServiceAccountJson = await serviceAccount.GetValueAsync(default) }));
        using var http = new HttpClient(new SocketsHttpHandler())
        {
            BaseAddress = new Uri($"http://127.0.0.1:{FreePort.Next()}"),
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        var fcm = new FcmClient(http, credential, TimeProvider.System);
        var message = new FcmMessage("""{"notification":{"title":"t"}}""");

        // More than the sends FcmClient lets write their headers at once: a send whose connection failed before its
        // body was asked for must leave that gate, or the sends after it would wait forever.
        for (var i = 0; i < 100; i++)
        {
            var outcome = await fcm.SendAsync(message, $"token-{i}", null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal((FcmOutcomeKind.Retryable, "UNAVAILABLE"), (outcome.Kind, outcome.ErrorCode));
        }
    }
}
