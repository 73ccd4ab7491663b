using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Pushboard.Contracts.Segments;

namespace Pushboard.DeviceApi.Infrastructure;

// A segment as SQL conditions on devices, added to `conditions` (joined with AND by the caller) with their parameters.
// They are shaped for the indexes of the SegmentIndexes and SegmentCoveringIndex migrations (docs/deviceapi.md#segments):
// a locale condition names its language as split_part(locale, '-', 1), with '=' when there is one (an ordered walk of
// that language);
// a tag condition says tags <> '{}' (the GIN index is partial on it); an appVersion bound compares the stored
// app_version_key with the key of the bound, computed by the same SQL function.
public static class SegmentConditions
{
    private const string Empty = "{}";

    public static void Add(Segment segment, DateTime now, NpgsqlParameterCollection parameters, List<string> conditions)
    {
        string P(NpgsqlParameter parameter)
        {
            parameters.Add(parameter);
            return "$" + parameters.Count;
        }

        if (segment.Platform is { } platforms)
        {
            conditions.Add($"platform = ANY({P(TextArray(platforms))})");
        }

        if (segment.Locale is { } locales)
        {
            string[] languages = [.. locales.Select(locale => locale.Split('-')[0]).Distinct(StringComparer.Ordinal)];
            conditions.Add(languages.Length == 1
                ? $"split_part(locale, '-', 1) = {P(Text(languages[0]))}"
                : $"split_part(locale, '-', 1) = ANY({P(TextArray(languages))})");

            // A bare language (`ko`) is the whole of that language, ko and every ko-* but not kok: the condition above
            // says it all, and the planner estimates it from the index's statistics. A locale with a region (`en-US`)
            // matches itself and its own subtags.
            string[] regional = [.. locales.Where(locale => locale.Contains('-'))];
            if (regional.Length > 0)
            {
                var ofRegions = $"locale = ANY({P(TextArray(regional))}) OR locale LIKE ANY({P(TextArray(regional.Select(locale => EscapeLike(locale) + "-%")))})";
                string[] bare = [.. locales.Where(locale => !locale.Contains('-'))];
                conditions.Add(bare.Length == 0 ? $"({ofRegions})" : $"(split_part(locale, '-', 1) = ANY({P(TextArray(bare))}) OR {ofRegions})");
            }
        }

        if (segment.AppVersion?.Min is { } min)
        {
            conditions.Add($"app_version_key >= app_version_sort_key({P(Text(min))}) COLLATE \"C\"");
        }

        if (segment.AppVersion?.Max is { } max)
        {
            conditions.Add($"app_version_key <= app_version_sort_key({P(Text(max))}) COLLATE \"C\"");
        }

        if (segment.Tags is { Count: > 0 } tags)
        {
            conditions.Add($"tags <> {P(new NpgsqlParameter<string> { TypedValue = Empty, NpgsqlDbType = NpgsqlDbType.Jsonb })}");
            foreach (var (key, values) in tags)
            {
                string[] contained = [.. values.Select(value => JsonSerializer.Serialize(new Dictionary<string, string> { [key] = value }))];
                conditions.Add($"tags @> ANY({P(new NpgsqlParameter<string[]> { TypedValue = contained, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb })})");
            }
        }

        if (segment.UserIds is { } userIds)
        {
            conditions.Add($"user_id = ANY({P(TextArray(userIds))})");
        }

        if (segment.LastSeenWithinDays is { } days)
        {
            conditions.Add($"last_seen_at >= {P(new NpgsqlParameter<DateTime> { TypedValue = now - TimeSpan.FromDays(days) })}");
        }
    }

    private static NpgsqlParameter<string[]> TextArray(IEnumerable<string> values) =>
        new() { TypedValue = [.. values], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };

    private static NpgsqlParameter<string> Text(string value) => new() { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Text };

    private static string EscapeLike(string value) => value.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_");
}
