using Pushboard.Web.Services;

namespace Pushboard.Web.Tests;

// The paging rule the console's three lists share.
public sealed class CursorPagerTests
{
    [Fact]
    public async Task A_second_move_while_a_page_loads_does_nothing()
    {
        var pager = new CursorPager();
        List<string?> loads = [];
        await pager.FirstAsync(Load);
        await pager.NextAsync(Load, "cursor-1");
        var held = new TaskCompletionSource<bool>();

        var first = pager.PreviousAsync(cursor =>
        {
            loads.Add(cursor);
            return held.Task;
        });
        Assert.False(pager.CanGoBack);
        Assert.False(await pager.PreviousAsync(Load));
        Assert.False(await pager.NextAsync(Load, "cursor-2"));
        held.SetResult(true);

        Assert.True(await first);
        Assert.Equal([null, "cursor-1", null], loads);
        Assert.Null(pager.Current);
        Assert.False(pager.CanGoBack);

        Task<bool> Load(string? cursor)
        {
            loads.Add(cursor);
            return Task.FromResult(true);
        }
    }

    [Fact]
    public async Task A_page_that_failed_to_load_leaves_the_pager_on_the_page_shown()
    {
        var pager = new CursorPager();
        await pager.FirstAsync(_ => Task.FromResult(true));
        await pager.NextAsync(_ => Task.FromResult(true), "cursor-1");

        Assert.False(await pager.NextAsync(_ => Task.FromResult(false), "cursor-2"));
        Assert.False(await pager.PreviousAsync(_ => Task.FromResult(false)));

        Assert.Equal("cursor-1", pager.Current);
        Assert.True(pager.CanGoBack);
    }
}
