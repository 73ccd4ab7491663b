using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Pushboard.NotificationApi.Sending;

namespace Pushboard.NotificationApi.Tests;

// Pure logic: the reads are functions the test answers.
public sealed class CancelWatchTests
{
    // Before, each ask made while a read ran started one of its own: a pause's end woke 800 sends into 800 reads.
    [Fact]
    public async Task Asks_made_while_a_read_runs_share_one_read_begun_after_them()
    {
        var reads = new Reads();
        var watch = new CancelWatch(_ => reads.Start().Task, NullLogger<CancelWatch>.Instance, CancellationToken.None);

        var first = watch.HoldsBackAsync(CancellationToken.None);
        await reads.UntilStartedAsync(1);
        var later = Enumerable.Range(0, 200).Select(_ => watch.HoldsBackAsync(CancellationToken.None)).ToArray();
        reads[0].SetResult(false);
        await reads.UntilStartedAsync(2);
        reads[1].SetResult(true);

        Assert.False(await first);
        Assert.All(await Task.WhenAll(later), Assert.True);
        Assert.Equal(2, reads.Count);
    }

    // A failed read holds back every send that waited for it, and says so once: before, each of up to Concurrency
    // waiting sends logged the same warning.
    [Fact]
    public async Task A_read_that_fails_holds_back_every_send_waiting_for_it_and_is_logged_once()
    {
        var reads = new Reads();
        var logger = new FakeLogger<CancelWatch>();
        var watch = new CancelWatch(_ => reads.Start().Task, logger, CancellationToken.None);

        var first = watch.HoldsBackAsync(CancellationToken.None);
        await reads.UntilStartedAsync(1);
        var later = Enumerable.Range(0, 50).Select(_ => watch.HoldsBackAsync(CancellationToken.None)).ToArray();
        reads[0].SetException(new TimeoutException("database"));
        await reads.UntilStartedAsync(2);
        reads[1].SetException(new TimeoutException("database"));

        Assert.True(await first);
        Assert.All(await Task.WhenAll(later), Assert.True);
        Assert.Equal(2, logger.Collector.Count);
    }

    // The read runs on the page's token: a send that stops waiting (its own token) does not fail the read that the
    // other sends wait for. Before, the read ran on the first asker's token.
    [Fact]
    public async Task A_send_that_stops_waiting_does_not_cut_short_the_read_other_sends_wait_for()
    {
        var reads = new Reads();
        var watch = new CancelWatch(async token =>
        {
            var answer = await reads.Start().Task;
            token.ThrowIfCancellationRequested();
            return answer;
        }, NullLogger<CancelWatch>.Instance, CancellationToken.None);

        var first = watch.HoldsBackAsync(CancellationToken.None);
        await reads.UntilStartedAsync(1);
        using var stopped = new CancellationTokenSource();
        var leaving = watch.HoldsBackAsync(stopped.Token);
        var staying = watch.HoldsBackAsync(CancellationToken.None);
        await stopped.CancelAsync();
        reads[0].SetResult(false);
        await reads.UntilStartedAsync(2);
        reads[1].SetResult(false);

        Assert.False(await first);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leaving);
        Assert.False(await staying);
    }

    private sealed class Reads
    {
        private readonly List<TaskCompletionSource<bool>> _started = [];

        public int Count
        {
            get
            {
                lock (_started)
                {
                    return _started.Count;
                }
            }
        }

        public TaskCompletionSource<bool> this[int index]
        {
            get
            {
                lock (_started)
                {
                    return _started[index];
                }
            }
        }

        public TaskCompletionSource<bool> Start()
        {
            var answer = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_started)
            {
                _started.Add(answer);
            }

            return answer;
        }

        public async Task UntilStartedAsync(int count)
        {
            for (var tries = 0; tries < 500 && Count < count; tries++)
            {
                await Task.Delay(20);
            }

            Assert.Equal(count, Count);
        }
    }
}
