using Pushboard.Tests;

namespace Pushboard.NotificationApi.Tests;

[CollectionDefinition(Name)]
public sealed class NotificationApiCollection : ICollectionFixture<PushboardAppFixture>
{
    public const string Name = "notificationapi";
}
