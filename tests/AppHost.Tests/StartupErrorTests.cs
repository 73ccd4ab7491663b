using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Pushboard.AppHost.Tests;

// What a user sees when the machine or the configuration is wrong: one line that says what to do, exit code 1.
public sealed class StartupErrorTests
{
    [Fact]
    public async Task A_bad_mode_is_one_clear_line()
    {
        var (exitCode, stderr) = await RunAppHost("Infrastructure:Mode=kubernetes");

        Assert.Equal(1, exitCode);
        Assert.Equal("pushboard: Infrastructure:Mode is 'kubernetes', which is not one of: containers, local, existing. Fix it or remove it to choose automatically.", stderr.Trim());
    }

    [Fact]
    public async Task A_missing_postgres_binary_says_how_to_install_it()
    {
        var (exitCode, stderr) = await RunAppHost("Infrastructure:Mode=local", "Infrastructure:PostgresBin=/nonexistent/bin");

        Assert.Equal(1, exitCode);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Contains("apt-get install", stderr);
    }

    [Fact]
    public async Task A_taken_port_names_the_port_and_the_resource()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var (exitCode, stderr) = await RunAppHost("Infrastructure:Mode=local", $"Infrastructure:RedisPort={port}");

        Assert.Equal(1, exitCode);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Contains($"port {port} for redis is already in use", stderr);
    }

    private static async Task<(int ExitCode, string Stderr)> RunAppHost(params string[] args)
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "pushboard-startup-" + Guid.NewGuid().ToString("N"));
        var startInfo = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "AppHost.dll"), .. args, $"Infrastructure:DataPath={dataPath}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(startInfo)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        await stdout;
        return (process.ExitCode, await stderr);
    }
}
