using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pushboard.Contracts.Stats;
using Pushboard.Tests;

namespace Pushboard.NotificationApi.Tests;

[Collection(NotificationApiCollection.Name)]
public sealed class StatsTests(PushboardAppFixture fixture) : IDisposable
{
    private readonly PushboardClient _pushboard = new(fixture);

    [Theory]
    [InlineData("/api/deliveries/stats?window=1h")]
    [InlineData("/api/notifications/active")]
    public async Task The_stats_are_for_the_admin_key_only(string path)
    {
        using var anonymous = fixture.CreateClient("notificationapi");
        using var app = fixture.CreateClient("notificationapi", fixture.AppApiKey);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _pushboard.Notifications.GetAsync(path)).StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?window=")]
    [InlineData("?window=7d")]
    [InlineData("?window=1H")]
    public async Task A_missing_or_unknown_window_is_a_field_error(string query)
    {
        var response = await _pushboard.Notifications.GetAsync("/api/deliveries/stats" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("window", out _));
    }

    [Fact]
    public async Task A_malformed_notification_id_is_still_not_found()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _pushboard.Notifications.GetAsync("/api/notifications/activ")).StatusCode);
    }

    [Fact]
    public async Task The_stats_count_the_outcomes_of_a_send_in_its_bucket_with_the_error_codes()
    {
        var (fine, alsoFine, dead, unknown) = (PushboardClient.Unique("fine"), PushboardClient.Unique("fine"), PushboardClient.Unique("dead"), PushboardClient.Unique("nobody"));
        await _pushboard.RegisterAsync(fine, PushboardClient.Unique("token"));
        await _pushboard.RegisterAsync(alsoFine, PushboardClient.Unique("token"));
        await _pushboard.RegisterAsync(dead, PushboardClient.Unique("unregistered-token"));
        var before = await StatsAsync(StatsWindow.LastHour);

        var accepted = await _pushboard.SendAsync(new { target = new { deviceIds = new[] { fine, alsoFine, dead, unknown } }, data = new { a = "b" } });
        await _pushboard.WaitUntilFinishedAsync(accepted["id"].Text());
        var after = await StatsAsync(StatsWindow.LastHour);
        var day = await StatsAsync(StatsWindow.LastDay);

        Assert.Equal((60, 60), (after.Series.Count, after.BucketSeconds));
        Assert.Equal((96, 900), (day.Series.Count, day.BucketSeconds));
        Assert.Equal(new OutcomeCounts(2, 1, 1, 0), Minus(after.Totals, before.Totals));
        // The send's outcomes are in the newest buckets (two if it crossed a minute), none before them.
        var sendBuckets = after.Series.Where(b => b.At >= before.Series[^1].At).ToList();
        var earlierBuckets = after.Series.Where(b => b.At < before.Series[^1].At).ToList();
        Assert.Equal(new OutcomeCounts(2, 1, 1, 0), Minus(Sum(sendBuckets), Sum(before.Series.Where(b => b.At >= before.Series[^1].At))));
        Assert.Equal(Sum(before.Series.Where(b => b.At < before.Series[^1].At && b.At >= after.From)), Sum(earlierBuckets));
        Assert.Equal(after.Totals, Sum(after.Series));
        Assert.True(day.Totals.Sent >= after.Totals.Sent && day.Series[^1].At <= DateTime.UtcNow && DateTime.UtcNow < day.To);
        var final = after.Totals.Sent + after.Totals.Failed + after.Totals.InvalidToken + after.Totals.Canceled;
        Assert.Equal((double)after.Totals.Failed / final, after.FailureRate, 9);
        Assert.Equal((double)after.Totals.InvalidToken / final, after.InvalidTokenRate, 9);
        Assert.Equal(1, Error(after, "UNREGISTERED") - Error(before, "UNREGISTERED"));
        Assert.Equal(1, Error(after, "device_not_found") - Error(before, "device_not_found"));
        Assert.True(after.TopErrors.Count <= 5);
    }

    [Fact]
    public async Task A_notification_in_progress_is_listed_with_its_progress()
    {
        var devices = Enumerable.Range(0, 3).Select(_ => PushboardClient.Unique("slow")).ToList();
        foreach (var device in devices)
        {
            await _pushboard.RegisterAsync(device, PushboardClient.Unique("token"));
        }

        // FCM answers slowly: the notification stays in progress with its unknown device already failed.
        (await _pushboard.Emulator.PutAsJsonAsync("/emulator/faults", new { latencyMs = 3000 })).EnsureSuccessStatusCode();
        try
        {
            var accepted = await _pushboard.SendAsync(new { target = new { deviceIds = devices.Append(PushboardClient.Unique("nobody")) }, data = new { a = "b" } });
            var id = Guid.Parse(accepted["id"].Text());
            ActiveNotification? active = null;
            var until = DateTime.UtcNow.AddSeconds(30);
            while (active is not { Targeted: 4 } && DateTime.UtcNow < until)
            {
                await Task.Delay(50);
                active = (await ActiveAsync()).SingleOrDefault(n => n.Id == id);
            }

            Assert.NotNull(active);
            Assert.Equal(("sending", 4L, 1L), (active.Status, active.Targeted, active.Final));
            Assert.InRange(active.PerSecond, 1e-9, 1 / 60.0 + 1e-9);
            await _pushboard.WaitUntilFinishedAsync(id.ToString());
            Assert.DoesNotContain(await ActiveAsync(), n => n.Id == id);
        }
        finally
        {
            await _pushboard.Emulator.DeleteAsync("/emulator/faults");
        }
    }

    public void Dispose() => _pushboard.Dispose();

    private async Task<DeliveryStats> StatsAsync(string window) =>
        (await _pushboard.Notifications.GetFromJsonAsync<DeliveryStats>($"/api/deliveries/stats?window={window}", JsonSerializerOptions.Web))!;

    private async Task<List<ActiveNotification>> ActiveAsync() =>
        (await _pushboard.Notifications.GetFromJsonAsync<List<ActiveNotification>>("/api/notifications/active", JsonSerializerOptions.Web))!;

    private static long Error(DeliveryStats stats, string code) => stats.TopErrors.SingleOrDefault(e => e.Code == code)?.Count ?? 0;

    private static OutcomeCounts Sum(IEnumerable<OutcomeBucket> buckets) =>
        buckets.Aggregate(new OutcomeCounts(0, 0, 0, 0), (sum, b) => new OutcomeCounts(sum.Sent + b.Sent, sum.Failed + b.Failed, sum.InvalidToken + b.InvalidToken, sum.Canceled + b.Canceled));

    private static OutcomeCounts Minus(OutcomeCounts a, OutcomeCounts b) =>
        new(a.Sent - b.Sent, a.Failed - b.Failed, a.InvalidToken - b.InvalidToken, a.Canceled - b.Canceled);
}
