using Pushboard.Tests;

namespace Pushboard.Reliability.Tests;

[CollectionDefinition(Name)]
public sealed class ReliabilityCollection : ICollectionFixture<PushboardAppFixture>
{
    public const string Name = "reliability";
}
