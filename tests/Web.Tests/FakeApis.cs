using System.Text.Json;
using Pushboard.Contracts.Stats;
using Pushboard.Web.Services;

namespace Pushboard.Web.Tests;

// In-memory stand-ins for the API clients: these tests are about what the components do, not the APIs.
public sealed class FakeDeviceApi : IDeviceApiClient
{
    public List<(DeviceFilter Filter, string? After)> Calls { get; } = [];
    public Func<DeviceFilter, string?, Page<Device>> Answer { get; set; } = (_, _) => new Page<Device>([], null);

    public Task<Page<Device>> ListAsync(DeviceFilter filter, string? after, int limit, CancellationToken cancellationToken = default)
    {
        Calls.Add((filter, after));
        return Task.FromResult(Answer(filter, after));
    }

    public Dictionary<string, Device> Stored { get; } = new(StringComparer.Ordinal);

    public List<string> IssuedSecrets { get; } = [];

    public Task<Device?> GetAsync(string deviceId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Stored.GetValueOrDefault(deviceId));

    // What the calls that change a device wait for before they answer: a test holds one in flight with it.
    public Task Answering { get; set; } = Task.CompletedTask;

    public List<string> Deleted { get; } = [];

    public async Task DeleteAsync(string deviceId, CancellationToken cancellationToken = default)
    {
        Deleted.Add(deviceId);
        await Answering;
    }

    // What IssueSecretAsync throws instead of answering, when set.
    public Exception? IssueFailure { get; set; }

    public async Task<DeviceSecret?> IssueSecretAsync(string deviceId, CancellationToken cancellationToken = default)
    {
        if (IssueFailure is not null)
        {
            throw IssueFailure;
        }

        if (!Stored.ContainsKey(deviceId))
        {
            return null;
        }

        IssuedSecrets.Add($"secret-{IssuedSecrets.Count + 1}-for-{deviceId}");
        var issued = new DeviceSecret(IssuedSecrets[^1]);
        await Answering;
        return issued;
    }

    public Func<DeviceStats> Stats { get; set; } = () => new DeviceStats(DateTime.UtcNow, new Dictionary<string, long>(), new Dictionary<string, long>(), []);

    // A DeviceApi that takes the call and never answers it.
    public bool StatsUnanswered { get; set; }

    public async Task<DeviceStats> StatsAsync(CancellationToken cancellationToken = default)
    {
        if (StatsUnanswered)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }

        return Stats();
    }

    public List<string> Counted { get; } = [];
    public Func<JsonElement, long> Count { get; set; } = _ => 0;

    public Task<long> CountAsync(JsonElement segment, CancellationToken cancellationToken = default)
    {
        Counted.Add(segment.GetRawText());
        return Task.FromResult(Count(segment));
    }

    public static Device Device(string id) =>
        new(id, "token-" + id, "android", "user-1", "1.0", "en", "active", null, DateTime.UtcNow, DateTime.UtcNow, DateTime.UtcNow, DateTime.UtcNow);
}

public sealed class FakeNotificationApi : INotificationApiClient
{
    public List<object> Sent { get; } = [];
    public List<string> IdempotencyKeys { get; } = [];
    public Exception? SendFailure { get; set; }

    // What sends and cancels wait for before they answer: a test holds one in flight with it.
    public Task Answering { get; set; } = Task.CompletedTask;

    public async Task<Notification> SendAsync(object request, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        IdempotencyKeys.Add(idempotencyKey);
        if (SendFailure is not null)
        {
            throw SendFailure;
        }

        Sent.Add(request);
        await Answering;
        return new Notification(Guid.NewGuid(), "queued", DateTime.UtcNow, null, null, default, new NotificationCounts(0, 0, 0, 0, 0, 0));
    }

    public Task<Notification?> GetAsync(Guid id, CancellationToken cancellationToken = default) =>
        GetFailures-- > 0
            ? Task.FromException<Notification?>(new HttpRequestException("NotificationApi is down"))
            : Task.FromResult(Listed.Find(notification => notification.Id == id));

    // How many of the next GetAsync calls fail as an unreachable NotificationApi.
    public int GetFailures { get; set; }

    public List<Notification> Listed { get; } = [];
    public List<Guid> Canceled { get; } = [];

    public async Task<Notification?> CancelAsync(Guid id, CancellationToken cancellationToken = default)
    {
        Canceled.Add(id);
        await Answering;
        return Listed.Find(notification => notification.Id == id) is { } found ? found with { Status = "canceled" } : null;
    }

    // Listed is in the API's order (newest first); one page, without paging further, unless History pages it.
    public Task<Page<Notification>> ListAsync(string? status, string? after, int limit, CancellationToken cancellationToken = default)
    {
        if (status is null)
        {
            HistoryCalls.Add(after);
        }

        return Task.FromResult(History is { } history && status is null
            ? history(after)
            : new Page<Notification>([.. Listed.Where(notification => status is null || notification.Status == status).Take(limit)], null));
    }

    public Func<string?, Page<Notification>>? History { get; set; }

    // The cursors of the calls without a status (the history's pages).
    public List<string?> HistoryCalls { get; } = [];

    public static Notification Notification(string status, DateTime createdAt, DateTime? sendAt = null, string? localTime = null) =>
        new(Guid.NewGuid(), status, createdAt, null, null, default, new NotificationCounts(0, 0, 0, 0, 0, 0), sendAt, localTime);

    // A notification's deliveries by status and cursor.
    public Func<string?, string?, Task<Page<Delivery>>> Deliveries { get; set; } = (_, _) => Task.FromResult(new Page<Delivery>([], null));

    public Task<Page<Delivery>> DeliveriesAsync(Guid id, string? status, string? after, int limit, CancellationToken cancellationToken = default) =>
        Deliveries(status, after);

    // What DeviceDeliveriesAsync throws instead of answering, when set.
    public Exception? DeviceDeliveriesFailure { get; set; }

    public Task<Page<Delivery>> DeviceDeliveriesAsync(string deviceId, int limit, CancellationToken cancellationToken = default) =>
        DeviceDeliveriesFailure is null ? Task.FromResult(new Page<Delivery>([], null)) : Task.FromException<Page<Delivery>>(DeviceDeliveriesFailure);

    public Func<string, DeliveryStats> Stats { get; set; } = window => Empty(window);

    public Func<IReadOnlyList<ActiveNotification>> Active { get; set; } = () => [];

    public Task<DeliveryStats> DeliveryStatsAsync(string window, CancellationToken cancellationToken = default) => Task.FromResult(Stats(window));

    public Task<IReadOnlyList<ActiveNotification>> ActiveAsync(CancellationToken cancellationToken = default) => Task.FromResult(Active());

    public static DeliveryStats Empty(string window) =>
        new(window, 60, DateTime.UtcNow.AddHours(-1), DateTime.UtcNow, new OutcomeCounts(0, 0, 0, 0), 0, 0, [], []);
}
