using Microsoft.Extensions.DependencyInjection;
using Pushboard.Tests;

// Each collection starts a whole AppHost; this project has one, shared by every test class.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Pushboard.Client.Tests;

[CollectionDefinition(Name)]
public sealed class ClientCollection : ICollectionFixture<ClientFixture>
{
    public const string Name = "client";
}

// The real AppHost with the OrderNotifier sample (Samples:OrderNotifier=true), and Pushboard.Client registered as a back
// end registers it, against the services' endpoints.
public sealed class ClientFixture : PushboardAppFixture
{
    protected override IEnumerable<string> Resources => [.. base.Resources, "ordernotifier"];

    protected override IEnumerable<string> Arguments => [.. base.Arguments, "Samples:OrderNotifier=true"];

    // A client of its own (disposed with the returned provider); `configure` may add handlers to its HTTP clients.
    public ServiceProvider CreateServices(Action<PushboardClientBuilder>? configure = null)
    {
        var services = new ServiceCollection();
        var clients = services.AddPushboardClient(options =>
        {
            options.DeviceApiUrl = EndpointOf("deviceapi");
            options.NotificationApiUrl = EndpointOf("notificationapi");
            options.ApiKey = AdminApiKey;
        });
        configure?.Invoke(clients);
        return services.BuildServiceProvider();
    }
}
