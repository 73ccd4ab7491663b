extern alias notificationapi;

using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Pushboard.NotificationApi.Infrastructure;
using Pushboard.Tests;

namespace Pushboard.NotificationApi.Tests;

// A NotificationApi replica in process, with the AppHost's DeviceApi, FCM emulator and keys, over a notifications
// database of the test's own and Redis database 2, which nothing else uses: only the test's work reaches it, and it
// reaches no one else's (tests of this assembly run one at a time). Dead tokens it publishes stay there, unread by
// DeviceApi. Its calls to DeviceApi pass through the handler given, if any, so a test can hold one open; the settings
// given override the AppHost's.
internal static class InProcessReplica
{
    public static async Task<WebApplicationFactory<notificationapi::Program>> StartAsync(
        PushboardAppFixture fixture, OwnNotificationsDb database, Func<DelegatingHandler>? deviceApiHandler = null,
        IEnumerable<(string Key, string Value)>? settings = null)
    {
        var serviceAccount = await fixture.App.Services.GetRequiredService<DistributedApplicationModel>().Resources
            .OfType<ParameterResource>().Single(p => p.Name == "firebase-service-account").GetValueAsync(default);
        var cache = await fixture.ConnectionStringOf("cache") + ",defaultDatabase=2";
        var fcm = fixture.App.GetEndpoint("fcm-emulator", "http2");
        var replica = new WebApplicationFactory<notificationapi::Program>().WithWebHostBuilder(host =>
        {
            host.UseSetting("ConnectionStrings:notificationsdb", database.ConnectionString);
            host.UseSetting("ConnectionStrings:cache", cache);
            host.UseSetting("DeviceApi:BaseAddress", fixture.EndpointOf("deviceapi").ToString());
            host.UseSetting("Parameters:admin-api-key", fixture.AdminApiKey);
            host.UseSetting("Parameters:app-api-key", fixture.AppApiKey);
            host.UseSetting("Fcm:ServiceAccountJson", serviceAccount);
            host.UseSetting("Fcm:Endpoint", fcm.ToString());
            foreach (var (key, value) in settings ?? [])
            {
                host.UseSetting(key, value);
            }

            if (deviceApiHandler is not null)
            {
                host.ConfigureTestServices(services => services.AddHttpClient<DeviceDirectory>().AddHttpMessageHandler(deviceApiHandler));
            }
        });
        try
        {
            _ = replica.Server;
            return replica;
        }
        catch
        {
            await replica.DisposeAsync();
            throw;
        }
    }
}
