using System.Diagnostics;
using System.Diagnostics.Metrics;
using Pushboard.NotificationApi.Infrastructure;
using StackExchange.Redis;

namespace Pushboard.NotificationApi.Sending;

public sealed class SendingMetrics
{
    public const string Name = "Pushboard.NotificationApi";
    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Counter<long> _deliveries;
    private readonly Counter<long> _retries;
    private readonly Histogram<double> _fcmLatency;
    private readonly Counter<long> _resolved;
    private readonly WorkQueue _queue;
    private long _queuePending;
    private int _countingQueue;

    public SendingMetrics(IMeterFactory meterFactory, WorkQueue queue)
    {
        _queue = queue;
        var meter = meterFactory.Create(Name);
        _deliveries = meter.CreateCounter<long>("pushboard.deliveries", "{delivery}", "Deliveries that reached a final status, by outcome.");
        _retries = meter.CreateCounter<long>("pushboard.fcm.retries", "{retry}", "FCM sends retried, by FCM error code.");
        _resolved = meter.CreateCounter<long>("pushboard.resolution.devices", "{device}",
            "Devices (or topics) resolved into deliveries; its rate is the resolution rate.");
        _fcmLatency = meter.CreateHistogram<double>("pushboard.fcm.duration", "ms", "Duration of FCM messages:send calls.");
        meter.CreateObservableGauge("pushboard.queue.pending", ReadQueuePending, "{item}",
            "Work items read from the queue and not yet acknowledged (counted at the previous reading).");
        meter.CreateObservableGauge("pushboard.scheduled.notifications", () => ScheduledBacklog.Notifications, "{notification}",
            "Notifications scheduled: waiting for their sendAt, or a localTime one until its last device's moment.");
        meter.CreateObservableGauge("pushboard.scheduled.work", () => ScheduledBacklog.WorkItems, "{item}",
            "Scheduled work waiting for its time: resolutions at a sendAt, and moments of localTime notifications.");
    }

    // Refreshed by the scheduler every Sending:SchedulerInterval: the gauges read it without a database call.
    public ScheduledBacklog ScheduledBacklog { get; set; } = new(0, 0);

    // A metrics read never waits on Redis: the gauge answers with the last count and asks for the next one in the
    // background, one request at a time; while Redis is down it keeps the last count.
    private long ReadQueuePending()
    {
        if (Interlocked.Exchange(ref _countingQueue, 1) == 0)
        {
            _ = CountQueueAsync();
        }

        return Interlocked.Read(ref _queuePending);
    }

    private async Task CountQueueAsync()
    {
        try
        {
            Interlocked.Exchange(ref _queuePending, await _queue.PendingCountAsync());
        }
        catch (Exception exception) when (exception is RedisException or RedisTimeoutException)
        {
        }
        finally
        {
            Volatile.Write(ref _countingQueue, 0);
        }
    }

    public void Delivered(string status) => _deliveries.Add(1, new KeyValuePair<string, object?>("outcome", status));

    public void Resolved(int count) => _resolved.Add(count);

    public void Retry(string? errorCode) => _retries.Add(1, new KeyValuePair<string, object?>("error", errorCode));

    public void FcmCall(TimeSpan duration, string result) =>
        _fcmLatency.Record(duration.TotalMilliseconds, new KeyValuePair<string, object?>("result", result));
}
