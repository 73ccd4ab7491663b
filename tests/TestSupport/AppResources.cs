using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Pushboard.Tests;

// What fault tests do to the running app: stop, start and kill resources, and seed many devices straight into devicesdb.
public static class AppResources
{
    public static Task StopAsync(this PushboardAppFixture fixture, string resource) =>
        fixture.App.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(resource, KnownResourceCommands.StopCommand);

    public static async Task StartAsync(this PushboardAppFixture fixture, string resource)
    {
        var started = await fixture.App.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand);
        if (!started.Success)
        {
            throw new InvalidOperationException($"{resource} did not start: {started.Message}");
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        // The start command can return while the resource still shows the state its stop left (on CI once: "failed to
        // start" for a redis-server that was accepting connections a millisecond later): wait through it.
        await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync(resource, WaitBehavior.WaitOnResourceUnavailable, timeout.Token);
    }

    // SIGKILL of one instance of the resource and of its child processes: no graceful shutdown (a NotificationApi's
    // work items stay pending in the consumer group; postgres recovers from its WAL on the next start). The parent goes
    // first so that it cannot start new children; children that already exited are skipped. Returns the instance's id
    // ("notificationapi-abc123" for a replica), which StartInstanceAsync starts again.
    public static async Task<string> KillAsync(this PushboardAppFixture fixture, string resource)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await foreach (var update in fixture.App.ResourceNotifications.WatchAsync(timeout.Token))
        {
            if (update.Resource.Name == resource
                && update.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is int pid)
            {
                foreach (var process in Children(pid).Prepend(pid).ToList())
                {
                    try
                    {
                        Process.GetProcessById(process).Kill();
                    }
                    catch (ArgumentException)
                    {
                    }
                }

                return update.ResourceId;
            }
        }

        throw new InvalidOperationException($"no running instance of {resource}");
    }

    // Starts one instance again (a replica, which the start command needs by its id, not the resource's name) once it
    // has ended, and waits until that instance is running and healthy.
    public static async Task StartInstanceAsync(this PushboardAppFixture fixture, string instanceId)
    {
        await WaitForInstanceAsync(fixture, instanceId,
            snapshot => snapshot.State?.Text is { } state && KnownResourceStates.TerminalStates.Contains(state),
            TimeSpan.FromSeconds(30), "end");
        var started = await fixture.App.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(instanceId, KnownResourceCommands.StartCommand);
        if (!started.Success)
        {
            throw new InvalidOperationException($"{instanceId} did not start: {started.Message}");
        }

        await WaitForInstanceAsync(fixture, instanceId,
            snapshot => snapshot.State?.Text == KnownResourceStates.Running && snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy,
            TimeSpan.FromMinutes(2), "run healthy");
    }

    private static async Task WaitForInstanceAsync(PushboardAppFixture fixture, string instanceId, Func<CustomResourceSnapshot, bool> reached, TimeSpan within, string what)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await foreach (var update in fixture.App.ResourceNotifications.WatchAsync(timeout.Token))
            {
                if (update.ResourceId == instanceId && reached(update.Snapshot))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
        }

        throw new TimeoutException($"{instanceId} did not {what} within {within}");
    }

    // A connection of its own, outside the pool: tests kill and restart postgres, which leaves pooled connections dead.
    public static async Task<NpgsqlConnection> OpenDatabaseAsync(this PushboardAppFixture fixture, string database)
    {
        var unpooled = new NpgsqlConnectionStringBuilder(await fixture.ConnectionStringOf(database)) { Pooling = false };
        var connection = new NpgsqlConnection(unpooled.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    // Devices "{prefix}-000001"… with tokens "{prefix}-token-1"…, active, of the user if one is given; returns the tokens.
    public static async Task<List<string>> SeedDevicesAsync(this PushboardAppFixture fixture, string prefix, int count, string? userId = null)
    {
        await using var connection = await fixture.OpenDatabaseAsync("devicesdb");
        await using var insert = new NpgsqlCommand(
            """
            INSERT INTO devices (device_id, fcm_token, platform, user_id, status, created_at, updated_at, token_updated_at, last_seen_at)
            SELECT $1 || '-' || lpad(i::text, 6, '0'), $1 || '-token-' || i, 'android', $3, 'active', now(), now(), now(), now()
            FROM generate_series(1, $2) AS i
            """, connection);
        insert.Parameters.Add(new NpgsqlParameter { Value = prefix });
        insert.Parameters.Add(new NpgsqlParameter { Value = count });
        insert.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = userId, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await insert.ExecuteNonQueryAsync();
        return [.. Enumerable.Range(1, count).Select(i => $"{prefix}-token-{i}")];
    }

    private static IEnumerable<int> Children(int pid) =>
        File.Exists($"/proc/{pid}/task/{pid}/children")
            ? File.ReadAllText($"/proc/{pid}/task/{pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse)
            : [];
}
