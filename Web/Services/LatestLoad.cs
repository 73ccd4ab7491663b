namespace Pushboard.Web.Services;

// Loads of one list that may overlap (a page's refresh and its pager's moves): only the answer to the load started
// last is shown, so that an older answer never overwrites a newer page or filter.
public sealed class LatestLoad
{
    private int _started;

    public int Start() => ++_started;

    public bool IsLatest(int load) => load == _started;
}
