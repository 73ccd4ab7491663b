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
        await fixture.App.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
    }

    // SIGKILL of one instance of the resource: no graceful shutdown, its work items stay pending in the consumer group.
    public static async Task KillAsync(this PushboardAppFixture fixture, string resource)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await foreach (var update in fixture.App.ResourceNotifications.WatchAsync(timeout.Token))
        {
            if (update.Resource.Name == resource
                && update.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is int pid)
            {
                foreach (var process in Children(pid).Append(pid))
                {
                    Process.GetProcessById(process).Kill();
                }

                return;
            }
        }
    }

    // Devices "{prefix}-000001"… with tokens "{prefix}-token-1"…, active; returns the tokens.
    public static async Task<List<string>> SeedDevicesAsync(this PushboardAppFixture fixture, string prefix, int count)
    {
        await using var connection = new NpgsqlConnection(await fixture.ConnectionStringOf("devicesdb"));
        await connection.OpenAsync();
        await using var insert = new NpgsqlCommand(
            """
            INSERT INTO devices (device_id, fcm_token, platform, status, created_at, updated_at, token_updated_at, last_seen_at)
            SELECT $1 || '-' || lpad(i::text, 6, '0'), $1 || '-token-' || i, 'android', 'active', now(), now(), now(), now()
            FROM generate_series(1, $2) AS i
            """, connection);
        insert.Parameters.Add(new NpgsqlParameter { Value = prefix });
        insert.Parameters.Add(new NpgsqlParameter { Value = count });
        await insert.ExecuteNonQueryAsync();
        return [.. Enumerable.Range(1, count).Select(i => $"{prefix}-token-{i}")];
    }

    private static IEnumerable<int> Children(int pid) =>
        File.Exists($"/proc/{pid}/task/{pid}/children")
            ? File.ReadAllText($"/proc/{pid}/task/{pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse)
            : [];
}
