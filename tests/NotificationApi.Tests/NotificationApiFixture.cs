using Pushboard.Tests;

// Each collection starts a whole AppHost; two starting at once on a 2-core machine can miss the start-up timeout.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Pushboard.NotificationApi.Tests;

[CollectionDefinition(Name)]
public sealed class NotificationApiCollection : ICollectionFixture<PushboardAppFixture>
{
    public const string Name = "notificationapi";
}
