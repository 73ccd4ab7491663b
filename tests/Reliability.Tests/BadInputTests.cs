using System.Net;
using System.Text;
using Npgsql;
using Pushboard.Contracts;
using Pushboard.Tests;

namespace Pushboard.Reliability.Tests;

// A generated corpus of bad requests against both APIs: each answer is a 4xx problem details, in time, and changes nothing.
[Collection(ReliabilityCollection.Name)]
public sealed class BadInputTests(ReliabilityAppFixture fixture)
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Thousands_of_bad_requests_are_4xx_problem_details_and_change_nothing()
    {
        using var devices = fixture.CreateAdminClient("deviceapi");
        using var notifications = fixture.CreateAdminClient("notificationapi");
        devices.Timeout = notifications.Timeout = RequestTimeout;
        var before = await SnapshotAsync();

        var cases = Corpus().ToList();
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (badCase, cancellationToken) =>
        {
            var client = badCase.Service == "deviceapi" ? devices : notifications;
            using var request = new HttpRequestMessage(badCase.Method, badCase.Path);
            if (badCase.Body is not null)
            {
                request.Content = new ByteArrayContent(badCase.Body);
                request.Content.Headers.ContentType = new("application/json");
                // Large bodies wait for 100 Continue (OverLimitBody says why).
                request.Headers.ExpectContinue = badCase.Body.Length > Math.Min(BodyLimits.DeviceApi, BodyLimits.NotificationApi);
            }

            using var response = await client.SendAsync(request, cancellationToken);
            var status = (int)response.StatusCode;
            if (status is < 400 or >= 500 || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                failures.Add($"{badCase.Name}: {status} {response.Content.Headers.ContentType?.MediaType}");
            }
        });

        Assert.True(cases.Count >= 2000, $"{cases.Count} cases");
        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(30)));
        Assert.Equal(before, await SnapshotAsync());
    }

    private async Task<(long Devices, long Notifications)> SnapshotAsync()
    {
        async Task<long> CountAsync(string database, string table)
        {
            await using var connection = await fixture.OpenDatabaseAsync(database);
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM {table}", connection);
            return (long)(await count.ExecuteScalarAsync())!;
        }

        return (await CountAsync("devicesdb", "devices"), await CountAsync("notificationsdb", "notifications"));
    }

    private sealed record BadCase(string Name, string Service, HttpMethod Method, string Path, byte[]? Body);

    private static IEnumerable<BadCase> Corpus()
    {
        static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
        var validDevice = """{"fcmToken":"t-123","platform":"android"}""";

        // Every ASCII character a device id may not hold, and some Unicode ones (zero-width, RTL, emoji, full-width).
        // NUL is left out of paths: Kestrel refuses such a request line before any application code runs.
        var forbidden = Enumerable.Range(1, 127).Select(c => (char)c)
            .Where(c => !char.IsAsciiLetterOrDigit(c) && c is not '.' and not '_' and not ':' and not '-' and not '/' and not '?' and not '#' and not '%')
            .Select(c => c.ToString())
            .Concat(["\u200b", "\u200d", "\u202e", "\ud83d\ude00", "ｄｅｖ", "é", "\ufeff"]);
        foreach (var character in forbidden)
        {
            var id = Uri.EscapeDataString("dev" + character + "ice");
            yield return new($"put id {(int)character[0]}", "deviceapi", HttpMethod.Put, $"/api/devices/{id}", Utf8(validDevice));
            yield return new($"patch id {(int)character[0]}", "deviceapi", HttpMethod.Patch, $"/api/devices/{id}/token", Utf8("""{"fcmToken":"t"}"""));
            yield return new($"notify id {(int)character[0]}", "notificationapi", HttpMethod.Post, "/api/notifications",
                Utf8("{\"target\":{\"deviceIds\":[\"" + System.Text.Json.JsonEncodedText.Encode("dev" + character) + "\"]},\"data\":{\"a\":\"b\"}}"));
        }

        yield return new("id too long", "deviceapi", HttpMethod.Put, "/api/devices/" + new string('a', 129), Utf8(validDevice));

        string[] malformed = ["", "{", "}", "[]", "null", "\"text\"", "42", "{\"fcmToken\":}", "{'fcmToken':'x'}", "{\"fcmToken\":\"x\",}", "\u0000", "{\"a\":1}{\"b\":2}"];
        string[] wrongDeviceBodies =
        [
            """{"fcmToken":123,"platform":"android"}""", """{"fcmToken":"x","platform":"windows"}""", """{"fcmToken":"has space","platform":"ios"}""",
            """{"fcmToken":"","platform":"ios"}""", """{"platform":"ios"}""", """{"fcmToken":"x"}""", """{"fcmToken":["x"],"platform":"ios"}""",
            """{"fcmToken":"x","platform":"ios","userId":""}""", """{"fcmToken":"x","platform":"ios","userId":"a\u0001b"}""",
            """{"fcmToken":"x","platform":"ios","appVersion":"%%LONG%%"}""", """{"fcmToken":"x","platform":"ios","locale":{"a":1}}""",
            """{"fcmToken":"x\u200b y","platform":"ios"}""", """{"fcmToken":"%%TOKEN%%","platform":"ios"}""",
        ];
        string[] wrongNotificationBodies =
        [
            """{"notification":{"title":"x"}}""", """{"target":{},"data":{"a":"b"}}""", """{"target":{"all":false},"data":{"a":"b"}}""",
            """{"target":{"all":"yes"},"data":{"a":"b"}}""", """{"target":{"all":true}}""", """{"target":{"all":true},"data":{"a":1}}""",
            """{"target":{"all":true},"data":{"a":null}}""", """{"target":{"all":true},"data":"x"}""", """{"target":{"deviceIds":[]},"data":{"a":"b"}}""",
            """{"target":{"deviceIds":"a"},"data":{"a":"b"}}""", """{"target":{"deviceIds":[1]},"data":{"a":"b"}}""", """{"target":{"deviceIds":["a","a"]},"data":{"a":"b"}}""",
            """{"target":{"topic":""},"data":{"a":"b"}}""", """{"target":{"topic":"a b"},"data":{"a":"b"}}""", """{"target":{"userId":""},"data":{"a":"b"}}""",
            """{"target":{"all":true},"data":{"a":"b"},"ttlSeconds":-1}""", """{"target":{"all":true},"data":{"a":"b"},"ttlSeconds":2419201}""",
            """{"target":{"all":true},"data":{"a":"b"},"ttlSeconds":"60"}""", """{"target":{"all":true},"data":{"a":"b"},"priority":"max"}""",
            """{"target":{"all":true},"notification":{"imageUrl":"not a url"}}""", """{"target":{"all":true,"topic":"t"},"data":{"a":"b"}}""",
            """{"target":{"all":true},"notification":{"title":5}}""", """{"target":{"all":true},"android":[]}""",
            """{"target":{"all":true},"data":{"a":"\u0000"}}""", """{"target":{"all":true},"data":{"a":"\ud800"}}""",
            """{"target":{"all":true,"platform":["ios"]},"data":{"a":"b"}}""", """{"target":{"segment":{"locale":["\udc00"]}},"data":{"a":"b"}}""",
        ];
        for (var variant = 0; variant < 20; variant++)
        {
            var padding = new string(' ', variant);
            foreach (var body in malformed)
            {
                yield return new($"device malformed {variant} {body}", "deviceapi", HttpMethod.Put, $"/api/devices/bad-{variant}", Utf8(padding + body));
                yield return new($"notification malformed {variant} {body}", "notificationapi", HttpMethod.Post, "/api/notifications", Utf8(padding + body));
                yield return new($"query malformed {variant} {body}", "deviceapi", HttpMethod.Post, "/api/devices/query", Utf8(padding + body));
            }

            foreach (var body in wrongDeviceBodies)
            {
                var expanded = body.Replace("%%LONG%%", new string('v', 65 + variant)).Replace("%%TOKEN%%", new string('t', 4097 + variant));
                yield return new($"device body {variant} {body}", "deviceapi", HttpMethod.Put, $"/api/devices/bad-{variant}", Utf8(padding + expanded));
                yield return new($"patch body {variant} {body}", "deviceapi", HttpMethod.Patch, $"/api/devices/bad-{variant}/token", Utf8(padding + expanded));
            }

            foreach (var body in wrongNotificationBodies)
            {
                yield return new($"notification body {variant} {body}", "notificationapi", HttpMethod.Post, "/api/notifications", Utf8(padding + body));
            }

            // Data payloads just over the FCM limits (4096 bytes, 2048 for topics), with multi-byte characters.
            yield return new($"over 4096 {variant}", "notificationapi", HttpMethod.Post, "/api/notifications",
                Utf8("{\"target\":{\"deviceIds\":[\"a\"]},\"data\":{\"blob\":\"" + new string('é', 2100 + variant) + "\"}}"));
            yield return new($"over 2048 topic {variant}", "notificationapi", HttpMethod.Post, "/api/notifications",
                Utf8("{\"target\":{\"topic\":\"t\"},\"data\":{\"blob\":\"" + new string('x', 2050 + variant) + "\"}}"));

            string[] badQueries = ["limit=0", "limit=501", "limit=abc", "after=garbage!!", "status=sleeping", "stale=maybe", "platform=windows", "limit=-1", "after=%00"];
            foreach (var query in badQueries)
            {
                yield return new($"device list {variant} {query}", "deviceapi", HttpMethod.Get, $"/api/devices?{query}&userId=u{variant}", null);
                if (query.StartsWith("limit", StringComparison.Ordinal) || query.StartsWith("after", StringComparison.Ordinal) || query.StartsWith("status", StringComparison.Ordinal))
                {
                    yield return new($"notification list {variant} {query}", "notificationapi", HttpMethod.Get, $"/api/notifications?{query}", null);
                }
            }
        }

        yield return new("1001 device ids", "notificationapi", HttpMethod.Post, "/api/notifications",
            Utf8("{\"target\":{\"deviceIds\":[" + string.Join(',', Enumerable.Range(0, 1001).Select(i => $"\"d{i}\"")) + "]},\"data\":{\"a\":\"b\"}}"));
        yield return new("1001 query ids", "deviceapi", HttpMethod.Post, "/api/devices/query",
            Utf8("{\"deviceIds\":[" + string.Join(',', Enumerable.Range(0, 1001).Select(i => $"\"d{i}\"")) + "]}"));
        var fiveMegabytes = Utf8("{\"fcmToken\":\"" + new string('x', 5 * 1024 * 1024) + "\",\"platform\":\"ios\"}");
        yield return new("5 MB device", "deviceapi", HttpMethod.Put, "/api/devices/huge", fiveMegabytes);
        yield return new("5 MB notification", "notificationapi", HttpMethod.Post, "/api/notifications", fiveMegabytes);
        var deep = Utf8(new string('[', 5000) + new string(']', 5000));
        yield return new("deep device", "deviceapi", HttpMethod.Put, "/api/devices/deep", deep);
        yield return new("deep notification", "notificationapi", HttpMethod.Post, "/api/notifications", deep);
        var deepData = Utf8("""{"target":{"all":true},"data":{"a":"b"},"android":""" + new string('{', 1) + string.Concat(Enumerable.Repeat("\"x\":{", 300)) + new string('}', 301) + "}");
        yield return new("deep android", "notificationapi", HttpMethod.Post, "/api/notifications", deepData);
    }
}
