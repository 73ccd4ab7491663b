namespace Pushboard.Contracts.Segments;

// A `segment` target of API.md, as SegmentRules reads it: every condition given must hold, a list matches any of its
// values. Tags: each key with the values it may have (a single value is a list of one).
public sealed record Segment(
    IReadOnlyList<string>? Platform = null,
    IReadOnlyList<string>? Locale = null,
    AppVersionRange? AppVersion = null,
    IReadOnlyDictionary<string, IReadOnlyList<string>>? Tags = null,
    IReadOnlyList<string>? UserIds = null,
    int? LastSeenWithinDays = null);

// Inclusive bounds, each of the AppVersion form.
public sealed record AppVersionRange(string? Min = null, string? Max = null);
