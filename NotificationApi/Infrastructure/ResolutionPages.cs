namespace Pushboard.NotificationApi.Infrastructure;

// What a resolution knows of its pages of deliveries: whether some of them may have been written already (the resolution
// is redone after a crash, or another resolver of the notification wrote a page first). Once they may, DeliveryStore
// writes the rest of the resolution's pages with ON CONFLICT DO NOTHING.
public sealed class ResolutionPages(bool writtenBefore)
{
    public bool MayExist { get; private set; } = writtenBefore;

    public void MetWrittenPage() => MayExist = true;
}
