using System.Net;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pushboard.NotificationApi.Fcm;
using Pushboard.Tests;

namespace Pushboard.NotificationApi.Tests;

// An FcmClient on the AppHost's service account, whose access tokens come from the FCM emulator's real token endpoint,
// sending through the handler given: an FCM a test controls.
internal static class TestFcmClients
{
    public static async Task<FcmClient> CreateAsync(
        PushboardAppFixture fixture, TimeSpan timeout, HttpMessageHandler handler, ILogger<FcmCredential>? log = null)
    {
        var options = await OptionsAsync(fixture, timeout);
        var http = new HttpClient(handler)
        {
            BaseAddress = new Uri("http://fcm.invalid"),
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        return new FcmClient(http, new FcmCredential(options, TimeProvider.System, log ?? NullLogger<FcmCredential>.Instance),
            TimeProvider.System, options, NullLogger<FcmClient>.Instance);
    }

    public static async Task<FcmCredential> CredentialAsync(PushboardAppFixture fixture, ILogger<FcmCredential> log) =>
        new(await OptionsAsync(fixture, TimeSpan.FromSeconds(30)), TimeProvider.System, log);

    private static async Task<IOptions<FcmOptions>> OptionsAsync(PushboardAppFixture fixture, TimeSpan timeout)
    {
        var serviceAccount = fixture.App.Services.GetRequiredService<DistributedApplicationModel>().Resources
            .OfType<ParameterResource>().Single(p => p.Name == "firebase-service-account");
        return Options.Create(new FcmOptions { ServiceAccountJson = await serviceAccount.GetValueAsync(default), Timeout = timeout });
    }
}
