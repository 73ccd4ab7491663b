namespace Pushboard.Client;

/// <summary>One page of a keyset-paged list.</summary>
/// <param name="Items">The page's items, in the list's order.</param>
/// <param name="Next">The cursor of the next page (pass it as <c>after</c>), or null on the last page.</param>
public sealed record PushboardPage<T>(IReadOnlyList<T> Items, string? Next);
