using Microsoft.Extensions.Logging.Abstractions;
using Pushboard.NotificationApi.Sending;

namespace Pushboard.NotificationApi.Tests;

// Pure logic: the reads are functions the test answers.
public sealed class CancelWatchTests
{
    // Before, each ask made while a read ran started one of its own: a pause's end woke 800 sends into 800 reads.
    [Fact]
    public async Task Asks_made_while_a_read_runs_share_one_read_begun_after_them()
    {
        var reads = new List<TaskCompletionSource<bool>>();
        var watch = new CancelWatch(_ =>
        {
            var answer = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (reads)
            {
                reads.Add(answer);
            }

            return answer.Task;
        }, NullLogger.Instance);

        var first = watch.HoldsBackAsync(CancellationToken.None);
        await UntilAsync(() => reads.Count == 1);
        var later = Enumerable.Range(0, 200).Select(_ => watch.HoldsBackAsync(CancellationToken.None)).ToArray();
        reads[0].SetResult(false);
        await UntilAsync(() => reads.Count == 2);
        reads[1].SetResult(true);

        Assert.False(await first);
        Assert.All(await Task.WhenAll(later), Assert.True);
        Assert.Equal(2, reads.Count);
    }

    [Fact]
    public async Task A_read_that_fails_holds_the_send_back()
    {
        var watch = new CancelWatch(_ => Task.FromException<bool>(new TimeoutException("database")), NullLogger.Instance);

        Assert.True(await watch.HoldsBackAsync(CancellationToken.None));
    }

    private static async Task UntilAsync(Func<bool> reached)
    {
        for (var tries = 0; tries < 100 && !reached(); tries++)
        {
            await Task.Delay(20);
        }

        Assert.True(reached());
    }
}
