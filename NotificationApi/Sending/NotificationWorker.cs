using System.Diagnostics;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Pushboard.NotificationApi.Sending;

// Work loops reading the queue through the consumer group. An item is acknowledged only after its work is recorded;
// while it is being worked on, its idle time is reset so that no other consumer claims it.
public sealed partial class NotificationWorker(
    IServiceScopeFactory scopes,
    WorkQueue queue,
    TimeProvider time,
    IOptions<SendingOptions> options,
    ILogger<NotificationWorker> logger) : BackgroundService
{
    private readonly string _consumer = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await queue.EnsureGroupAsync();
                break;
            }
            catch (Exception exception) when (exception is RedisException or RedisTimeoutException)
            {
                // A timeout is a TimeoutException, not a RedisException: uncaught, it would stop the host.
                LogQueueUnavailable(exception.Message);
                await Task.Delay(options.Value.ErrorPause, time, stoppingToken);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, options.Value.Workers).Select(_ => RunLoopAsync(stoppingToken)));
    }

    private async Task RunLoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var entries = await queue.ReadAsync(_consumer, options.Value.ClaimIdle, 1);
                if (entries.Count == 0)
                {
                    await queue.WaitForWorkAsync(options.Value.IdlePoll, stoppingToken);
                    continue;
                }

                foreach (var (id, item) in entries)
                {
                    if (await ProcessAsync(id, item, stoppingToken))
                    {
                        await queue.AcknowledgeAsync(id);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogWorkFailed(exception);
                await Task.Delay(options.Value.ErrorPause, time, stoppingToken);
            }
        }
    }

    private async Task<bool> ProcessAsync(RedisValue id, WorkItem item, CancellationToken stoppingToken)
    {
        using var activity = SendingMetrics.ActivitySource.StartActivity(
            $"{item.Kind} notification", ActivityKind.Consumer, item.TraceParent ?? default(string));
        activity?.SetTag("pushboard.notification.id", item.NotificationId);
        using var working = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var heartbeat = KeepClaimedAsync(id, working.Token);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<WorkProcessor>().ProcessAsync(item, stoppingToken);
        }
        finally
        {
            await working.CancelAsync();
            await heartbeat;
        }
    }

    private async Task KeepClaimedAsync(RedisValue id, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.Value.ClaimIdle / 3, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    await queue.ReclaimAsync(_consumer, id);
                }
                catch (Exception exception) when (exception is RedisException or RedisTimeoutException)
                {
                    // Keeps beating: the item is still being worked on, and Redis may be back by the next tick.
                    LogQueueUnavailable(exception.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(LogLevel.Warning, "The work queue is unavailable: {Reason}")]
    private partial void LogQueueUnavailable(string reason);

    [LoggerMessage(LogLevel.Error, "A work item failed; it stays in the queue and is retried")]
    private partial void LogWorkFailed(Exception exception);
}
