using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Npgsql;
using Pushboard.DeviceApi.Model;
using Pushboard.DeviceApi.Services;

namespace Pushboard.DeviceApi.Infrastructure;

// Coalesces the token refreshes waiting at one moment into one UPDATE: an app refreshes its token on every start,
// and one statement for many devices costs Postgres a fraction of a statement and a commit for each
// (docs/deviceapi.md#token-refresh-batches). A request is answered after its batch committed, as before.
// A batch holds distinct devices and distinct tokens, sorted by device id, so batches running side by side lock
// their rows in one order. Each refresh carries its caller's DeviceAccess, checked by the statement itself. The batch
// statement takes no token: a refresh it leaves out (a token another device holds, an unknown device, a secret that
// does not match) runs alone through DeviceWriter.RefreshTokenAsync, which takes the token or writes nothing (404, 403);
// so does every refresh of a batch that waited too long on a lock, that the unique index refused (a holder
// committed meanwhile) or that a deadlock ended.
// The queue is bounded (TokenRefreshBatchOptions.Capacity): a refresh that finds it full is refused before anything is
// queued or written, and its request answers 503. A refresh whose request was cancelled while it waited is left out
// of its batch, and is not run alone either: its client has given up, and may already have sent a newer token.
public sealed partial class TokenRefreshBatcher(
    DeviceWriter deviceWriter,
    IOptions<TokenRefreshBatchOptions> options,
    DeviceMetrics metrics,
    ILogger<TokenRefreshBatcher> logger) : IHostedService, IDisposable
{
    // Traced with the service's other sources (ServiceDefaults adds "Pushboard.*").
    private static readonly ActivitySource ActivitySource = new("Pushboard.DeviceApi");

    private readonly Channel<PendingRefresh> _pending = Channel.CreateBounded<PendingRefresh>(
        new BoundedChannelOptions(options.Value.Capacity) { FullMode = BoundedChannelFullMode.Wait });
    private readonly CancellationTokenSource _abort = new();
    private Task _writers = Task.CompletedTask;

    // False when the queue is full, or closed because the host is stopping: nothing was queued, nothing is written.
    // A refreshed task that ends with null: the device does not exist, or the refresh's access may not write it.
    public bool TryRefresh(TokenRefresh tokenRefresh, CancellationToken cancellationToken, [NotNullWhen(true)] out Task<Device?>? refreshed)
    {
        var refresh = new PendingRefresh(tokenRefresh, Activity.Current?.Context, cancellationToken);
        if (!_pending.Writer.TryWrite(refresh))
        {
            Log.QueueFull(logger, tokenRefresh.DeviceId);
            refreshed = null;
            return false;
        }

        refreshed = refresh.Completion.Task.WaitAsync(cancellationToken);
        return true;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var writers = options.Value.Writers;
        _writers = Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(WriteBatchesAsync, CancellationToken.None)));
        return Task.CompletedTask;
    }

    // The web server has stopped taking requests by now; what is queued is still written, unless the host's shutdown
    // timeout runs out first (then the waiting requests fail, unanswered, and their apps will refresh again).
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _pending.Writer.TryComplete();
        try
        {
            await _writers.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await _abort.CancelAsync();
        }
    }

    public void Dispose() => _abort.Dispose();

    private async Task WriteBatchesAsync()
    {
        var maxSize = options.Value.MaxSize;
        var batch = new List<PendingRefresh>(maxSize);
        var deviceIds = new HashSet<string>(StringComparer.Ordinal);
        var tokens = new HashSet<string>(StringComparer.Ordinal);
        PendingRefresh? carried = null;
        while (carried is not null || await _pending.Reader.WaitToReadAsync(CancellationToken.None))
        {
            // A second refresh of a device (or of a token) already in this batch waits for the next one.
            var next = carried;
            carried = null;
            while (batch.Count < maxSize && (next is not null || _pending.Reader.TryRead(out next)))
            {
                if (next.RequestAborted.IsCancellationRequested)
                {
                    next.Completion.TrySetCanceled(next.RequestAborted);
                    next = null;
                    continue;
                }

                if (deviceIds.Contains(next.Refresh.DeviceId) || tokens.Contains(next.Refresh.FcmToken))
                {
                    carried = next;
                    break;
                }

                deviceIds.Add(next.Refresh.DeviceId);
                tokens.Add(next.Refresh.FcmToken);
                batch.Add(next);
                next = null;
            }

            // Another writer may have taken what woke this one.
            if (batch.Count == 0)
            {
                continue;
            }

            batch.Sort(static (a, b) => string.CompareOrdinal(a.Refresh.DeviceId, b.Refresh.DeviceId));
            await WriteAsync(batch, _abort.Token);
            batch.Clear();
            deviceIds.Clear();
            tokens.Clear();
        }
    }

    private async Task WriteAsync(List<PendingRefresh> batch, CancellationToken cancellationToken)
    {
        using var activity = ActivitySource.StartActivity(
            "token refresh batch", ActivityKind.Internal, parentContext: default,
            links: batch.Where(refresh => refresh.Caller is not null).Select(refresh => new ActivityLink(refresh.Caller!.Value)));
        activity?.SetTag("pushboard.batch.size", batch.Count);
        metrics.RefreshBatch(batch.Count);
        try
        {
            var devices = await deviceWriter.RefreshTokensAsync([.. batch.Select(refresh => refresh.Refresh)], options.Value.LockTimeout, cancellationToken);
            foreach (var refresh in batch)
            {
                if (devices.TryGetValue(refresh.Refresh.DeviceId, out var device))
                {
                    refresh.Completion.TrySetResult(device);
                }
                else
                {
                    StartAlone(refresh, cancellationToken);
                }
            }
        }
        catch (PostgresException exception) when (DeviceWriter.IsRefusedBatch(exception))
        {
            Log.BatchRefused(logger, batch.Count, exception.SqlState);
            activity?.SetTag("pushboard.batch.refused", exception.SqlState);
            foreach (var refresh in batch)
            {
                StartAlone(refresh, cancellationToken);
            }
        }
        catch (Exception exception)
        {
            foreach (var refresh in batch)
            {
                refresh.Completion.TrySetException(exception);
            }
        }
    }

    // Not awaited: a refresh alone may wait on its device's row lock for as long as another transaction holds it
    // (an expiry sweep, a takeover), and the writer goes on with the next batch meanwhile. Its request awaits it.
    // Not bounded apart from the queue either: each one belongs to a request that is still waiting for it, and ends
    // with that request (it runs under the request's cancellation), so there are never more of them than requests in
    // flight, which the server's own limits bound; a refresh alone adds a task to a request, not a request.
    private void StartAlone(PendingRefresh refresh, CancellationToken cancellationToken) =>
        _ = RefreshAloneAsync(refresh, cancellationToken);

    private async Task RefreshAloneAsync(PendingRefresh refresh, CancellationToken cancellationToken)
    {
        try
        {
            using var requestOrHost = CancellationTokenSource.CreateLinkedTokenSource(refresh.RequestAborted, cancellationToken);
            refresh.Completion.TrySetResult(await deviceWriter.RefreshTokenAsync(refresh.Refresh, requestOrHost.Token));
        }
        catch (OperationCanceledException) when (refresh.RequestAborted.IsCancellationRequested)
        {
            refresh.Completion.TrySetCanceled(refresh.RequestAborted);
        }
        catch (Exception exception)
        {
            refresh.Completion.TrySetException(exception);
        }
    }

    private sealed class PendingRefresh(TokenRefresh refresh, ActivityContext? caller, CancellationToken requestAborted)
    {
        public TokenRefresh Refresh { get; } = refresh;

        public ActivityContext? Caller { get; } = caller;

        public CancellationToken RequestAborted { get; } = requestAborted;

        // Completed by a writer loop; the request continues on the thread pool, not on the writer.
        public TaskCompletionSource<Device?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private static partial class Log
    {
        [LoggerMessage(LogLevel.Debug, "A batch of {Count} token refreshes was refused ({SqlState}); each runs again alone")]
        public static partial void BatchRefused(ILogger logger, int count, string? sqlState);

        [LoggerMessage(LogLevel.Warning, "The token refresh of device {DeviceId} was refused: the queue of refreshes waiting to be written is full")]
        public static partial void QueueFull(ILogger logger, string deviceId);
    }
}
