using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Pushboard.Tests;

namespace Pushboard.Reliability.Tests;

[CollectionDefinition(Name)]
public sealed class ReliabilityCollection : ICollectionFixture<PushboardAppFixture>
{
    public const string Name = "reliability";
}

public static class Resources
{
    public static Task StopAsync(this PushboardAppFixture fixture, string resource) =>
        fixture.App.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(resource, KnownResourceCommands.StopCommand);

    public static async Task StartAsync(this PushboardAppFixture fixture, string resource)
    {
        await fixture.App.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
    }

    // SIGKILL: no graceful shutdown, nothing flushed, work items left pending in the consumer group.
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

    private static IEnumerable<int> Children(int pid) =>
        File.Exists($"/proc/{pid}/task/{pid}/children")
            ? File.ReadAllText($"/proc/{pid}/task/{pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse)
            : [];
}
