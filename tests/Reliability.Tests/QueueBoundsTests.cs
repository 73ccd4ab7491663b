using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Npgsql;
using Pushboard.Tests;

namespace Pushboard.Reliability.Tests;

[CollectionDefinition(Name)]
public sealed class QueueBoundsCollection : ICollectionFixture<QueueBoundsFixture>
{
    public const string Name = "queue-bounds";
}

// The app without the console, with room for one waiting item in each in-memory queue, so a test fills it with two
// requests. One writer batches token refreshes and waits up to a minute for a lock, so a row the test locks holds it.
public sealed class QueueBoundsFixture : PushboardAppFixture
{
    protected override IEnumerable<string> Resources => ["postgres", "redis", "deviceapi", "notificationapi", "fcm-emulator"];

    protected override void Configure(IDistributedApplicationTestingBuilder builder)
    {
        builder.Resources.Remove(builder.Resources.Single(r => r.Name == "web"));
        var services = builder.Resources.OfType<ProjectResource>().ToDictionary(r => r.Name);
        builder.CreateResourceBuilder(services["deviceapi"])
            .WithEnvironment("TokenRefreshBatches__Capacity", "1")
            .WithEnvironment("TokenRefreshBatches__Writers", "1")
            .WithEnvironment("TokenRefreshBatches__LockTimeout", "00:01:00");
        builder.CreateResourceBuilder(services["notificationapi"])
            .WithEnvironment("DeferredEnqueue__Capacity", "1");
    }
}

// shared/DESIGN.md "State stays bounded": an in-memory queue that is full answers 503 with Retry-After before anything
// is stored, and a token refresh whose client gave up is not written.
[Collection(QueueBoundsCollection.Name)]
public sealed class QueueBoundsTests(QueueBoundsFixture fixture) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly PushboardClient _pushboard = new(fixture);
    private readonly HttpClient _app = fixture.CreateAppClient("deviceapi");

    [Fact]
    public async Task A_token_refresh_that_finds_the_queue_full_is_answered_503_with_Retry_After_and_not_written()
    {
        var (held, first, second) = (PushboardClient.Unique("held"), PushboardClient.Unique("first"), PushboardClient.Unique("second"));
        foreach (var device in new[] { held, first, second })
        {
            await _pushboard.RegisterAsync(device, device + "-old");
        }

        Task<HttpResponseMessage> heldRefresh, answeredFirst;
        HttpResponseMessage refused;
        Dictionary<Task<HttpResponseMessage>, string> waiting;
        await using (await LockRowAsync(held))
        {
            heldRefresh = RefreshAsync(held);
            await WaitUntilTheBatchWaitsAsync();
            // One of the two takes the queue's only place; the other finds it full, whichever comes first.
            waiting = new() { [RefreshAsync(first)] = first, [RefreshAsync(second)] = second };
            var answered = await Task.WhenAny(Task.WhenAny(waiting.Keys), Task.Delay(Patience));
            Assert.True(answered is Task<Task<HttpResponseMessage>>, "neither refresh was answered while the queue was full");
            answeredFirst = await (Task<Task<HttpResponseMessage>>)answered;
            refused = await answeredFirst;
            Assert.False(heldRefresh.IsCompleted);
        }

        using (refused)
        {
            await AssertServiceUnavailableAsync(refused);
        }

        using (var response = await heldRefresh.WaitAsync(Patience))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var (queuedTask, queued) = waiting.Single(entry => entry.Key != answeredFirst);
        using (var response = await queuedTask.WaitAsync(Patience))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(held + "-new", (await _pushboard.DeviceAsync(held))["fcmToken"].Text());
        Assert.Equal(queued + "-new", (await _pushboard.DeviceAsync(queued))["fcmToken"].Text());
        Assert.Equal(waiting[answeredFirst] + "-old", (await _pushboard.DeviceAsync(waiting[answeredFirst]))["fcmToken"].Text());
    }

    [Fact]
    public async Task A_token_refresh_whose_client_gave_up_while_it_waited_is_not_written()
    {
        var (held, abandoned, later) = (PushboardClient.Unique("held"), PushboardClient.Unique("abandoned"), PushboardClient.Unique("later"));
        foreach (var device in new[] { held, abandoned, later })
        {
            await _pushboard.RegisterAsync(device, device + "-old");
        }

        Task<HttpResponseMessage> heldRefresh;
        await using (await LockRowAsync(held))
        {
            heldRefresh = RefreshAsync(held);
            await WaitUntilTheBatchWaitsAsync();
            using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RefreshAsync(abandoned, giveUp.Token));
            // Lets DeviceApi see the closed connection before the batch it waited for is written.
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        using (var response = await heldRefresh.WaitAsync(Patience))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The one writer takes refreshes in order: once a later one is written, the abandoned one was dealt with.
        using (var response = await RefreshWhenThereIsRoomAsync(later))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(abandoned + "-old", (await _pushboard.DeviceAsync(abandoned))["fcmToken"].Text());
    }

    [Fact]
    public async Task A_notification_with_no_room_to_wait_for_Redis_is_answered_503_and_not_stored_while_the_waiting_one_is_sent()
    {
        var (device, token) = (PushboardClient.Unique("deferred"), PushboardClient.Unique("token"));
        await _pushboard.RegisterAsync(device, token);
        var newestBefore = (await NewestNotificationsAsync()).FirstOrDefault();

        await fixture.StopAsync("redis");
        string accepted;
        try
        {
            // Gives NotificationApi's Redis client a moment to see the closed connection.
            await Task.Delay(500);
            accepted = (await _pushboard.SendAsync(new { target = new { deviceIds = new[] { device } }, data = new { a = "waits" } }))["id"].Text();
            using var refused = await _pushboard.Notifications.PostAsJsonAsync("/api/notifications",
                new { target = new { deviceIds = new[] { device } }, data = new { a = "refused" } });
            await AssertServiceUnavailableAsync(refused);
        }
        finally
        {
            await fixture.StartAsync("redis");
        }

        Assert.Equal([accepted], (await NewestNotificationsAsync()).TakeWhile(id => id != newestBefore));
        var done = await _pushboard.WaitUntilFinishedAsync(accepted, within: TimeSpan.FromMinutes(1));
        Assert.Equal(1, PushboardClient.Count(done, "sent"));
        Assert.Equal("waits", Assert.Single(await _pushboard.ReceivedAsync(token))["data"]!["a"].Text());
    }

    private static async Task AssertServiceUnavailableAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {response.Headers.RetryAfter}");
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(503, (int)problem["status"]!);
        Assert.False(string.IsNullOrWhiteSpace(problem["detail"].Text()));
    }

    private Task<HttpResponseMessage> RefreshAsync(string deviceId, CancellationToken cancellationToken = default) =>
        _app.PatchAsJsonAsync($"/api/devices/{deviceId}/token", new { fcmToken = deviceId + "-new" }, cancellationToken);

    // As a client that honours Retry-After does: the place an abandoned refresh held is free once a writer passed it.
    private async Task<HttpResponseMessage> RefreshWhenThereIsRoomAsync(string deviceId)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            var response = await RefreshAsync(deviceId, timeout.Token);
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
            {
                return response;
            }

            response.Dispose();
            await Task.Delay(100, timeout.Token);
        }
    }

    // Holds the device's row until disposed (the transaction then rolls back).
    private async Task<IAsyncDisposable> LockRowAsync(string deviceId)
    {
        var connection = await fixture.OpenDatabaseAsync("devicesdb");
        var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand("SELECT 1 FROM devices WHERE device_id = $1 FOR UPDATE", connection, transaction)
        {
            Parameters = { new NpgsqlParameter { Value = deviceId } },
        };
        Assert.Equal(1, await command.ExecuteScalarAsync());
        return connection;
    }

    private async Task WaitUntilTheBatchWaitsAsync()
    {
        await using var connection = await fixture.OpenDatabaseAsync("devicesdb");
        await using var waiting = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%unnest%'", connection);
        using var timeout = new CancellationTokenSource(Patience);
        while ((long)(await waiting.ExecuteScalarAsync(timeout.Token))! == 0)
        {
            await Task.Delay(100, timeout.Token);
        }
    }

    private async Task<List<string>> NewestNotificationsAsync() =>
        [.. (await _pushboard.Notifications.GetFromJsonAsync<JsonObject>("/api/notifications?limit=10"))!["items"]!.AsArray()
            .Select(item => item!["id"].Text())];

    public void Dispose()
    {
        _pushboard.Dispose();
        _app.Dispose();
    }
}
