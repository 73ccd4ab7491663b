namespace Pushboard.Web.Services;

// Keyset paging over a stack of cursors (the lists have no counts or offsets). The stack moves only when a page loaded,
// so after a failed load Previous still returns to the page before the one shown; one move at a time, so a second click
// while a page loads neither skips a page nor pops an empty stack.
public sealed class CursorPager
{
    private readonly Stack<string?> _cursors = new();

    // The cursor of the page shown (null: the first page).
    public string? Current { get; private set; }

    public bool Moving { get; private set; }

    public bool CanGoBack => _cursors.Count > 0 && !Moving;

    // The first page again (a new filter). `load` loads the page at a cursor and says whether it did.
    public Task<bool> FirstAsync(Func<string?, Task<bool>> load) => MoveAsync(load, null, _cursors.Clear);

    public Task<bool> NextAsync(Func<string?, Task<bool>> load, string? next)
    {
        var current = Current;
        return MoveAsync(load, next, () => _cursors.Push(current));
    }

    public Task<bool> PreviousAsync(Func<string?, Task<bool>> load) =>
        _cursors.TryPeek(out var previous) ? MoveAsync(load, previous, () => _cursors.Pop()) : Task.FromResult(false);

    private async Task<bool> MoveAsync(Func<string?, Task<bool>> load, string? cursor, Action moved)
    {
        if (Moving)
        {
            return false;
        }

        Moving = true;
        try
        {
            if (!await load(cursor))
            {
                return false;
            }

            moved();
            Current = cursor;
            return true;
        }
        finally
        {
            Moving = false;
        }
    }
}
