using System.Net.Http.Json;
using Npgsql;

namespace Pushboard.DeviceApi.Tests;

[Collection(DeviceApiCollection.Name)]
public sealed class PaginationTests(DeviceApiFixture fixture) : IAsyncLifetime
{
    private const int Seeded = 1234;
    private static readonly string User = TestData.NewId("pager");
    private static readonly Lock SeedLock = new();
    private static Task? _seeded;

    public Task InitializeAsync()
    {
        lock (SeedLock)
        {
            return _seeded ??= SeedAsync(fixture);
        }
    }

    // 1,234 devices with ids that mix case, digits and punctuation (ordinal order differs from a linguistic one),
    // spread over platforms and statuses; a fifth of them has a token not refreshed for 40 days.
    private static async Task SeedAsync(DeviceApiFixture fixture)
    {
        await using var db = await fixture.DevicesDbAsync();
        await using var command = db.CreateCommand("""
            INSERT INTO devices (device_id, fcm_token, platform, user_id, status, invalid_reason, created_at, updated_at, token_updated_at, last_seen_at)
            SELECT $1 || n || CASE n % 4 WHEN 0 THEN 'a' WHEN 1 THEN 'B' WHEN 2 THEN '_x' ELSE ':Z.9-' END,
                   CASE WHEN n % 7 = 0 THEN NULL ELSE $1 || '-token-' || n END,
                   (ARRAY['android', 'ios', 'web'])[n % 3 + 1],
                   CASE WHEN n % 2 = 0 THEN $2 ELSE $2 || '-other' END,
                   CASE WHEN n % 7 = 0 THEN 'invalid' ELSE 'active' END,
                   CASE WHEN n % 7 = 0 THEN 'token_reassigned' END,
                   now(), now(), now() - CASE WHEN n % 5 = 0 THEN interval '40 days' ELSE interval '0' END, now()
            FROM generate_series(1, $3) AS n
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = TestData.NewId("Pg") });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = User });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Seeded });
        Assert.Equal(Seeded, await command.ExecuteNonQueryAsync());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public static TheoryData<string, string, int> Filters() => new()
    {
        { "", "true", 500 },
        { "", "true", 97 },
        { "userId", "user_id = @user", 50 },
        { "userId&platform=ios", "user_id = @user AND platform = 'ios'", 1 },
        { "platform=web", "platform = 'web'", 113 },
        { "status=active", "status = 'active'", 500 },
        { "status=invalid", "status = 'invalid'", 7 },
        { "stale=true", "token_updated_at < now() - interval '30 days'", 33 },
        { "stale=false", "token_updated_at >= now() - interval '30 days'", 250 },
        { "userId&platform=android&status=active&stale=true", "user_id = @user AND platform = 'android' AND status = 'active' AND token_updated_at < now() - interval '30 days'", 3 },
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Walking_every_page_returns_each_matching_device_once_in_ordinal_order(string query, string sqlFilter, int limit)
    {
        query = query.Replace("userId", $"userId={Uri.EscapeDataString(User)}");
        var expected = await MatchingIdsAsync(sqlFilter);

        var walked = new List<string>();
        string? after = null;
        var pages = 0;
        do
        {
            var url = $"/api/devices?limit={limit}&{query}" + (after is null ? "" : $"&after={after}");
            var page = (await fixture.Admin().GetFromJsonAsync<PageDto>(url))!;
            Assert.InRange(page.Items.Count, 1, limit);
            walked.AddRange(page.Items.Select(d => d.DeviceId));
            after = page.Next;
            Assert.True(++pages <= expected.Count / limit + 1, "more pages than matching devices");
        }
        while (after is not null);

        Assert.Equal(expected, walked);
        Assert.Equal(walked.Order(StringComparer.Ordinal), walked);
    }

    private async Task<List<string>> MatchingIdsAsync(string sqlFilter)
    {
        await using var db = await fixture.DevicesDbAsync();
        await using var command = db.CreateCommand($"SELECT device_id FROM devices WHERE {sqlFilter.Replace("@user", "$1")} ORDER BY device_id COLLATE \"C\"");
        if (sqlFilter.Contains("@user"))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = User });
        }

        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}
