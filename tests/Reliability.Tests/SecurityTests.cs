using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Pushboard.Tests;

namespace Pushboard.Reliability.Tests;

[Collection(ReliabilityCollection.Name)]
public sealed class SecurityTests(ReliabilityAppFixture fixture)
{
    [Fact]
    public async Task No_key_token_device_secret_identity_secret_or_service_account_secret_reaches_the_logs_traces_or_problem_details()
    {
        using var watching = new CancellationTokenSource();
        var logs = WatchLogs(await InstanceIdsAsync(["deviceapi", "notificationapi", "web", "fcm-emulator"]), watching.Token);
        using var client = new PushboardClient(fixture);
        var (device, token) = (PushboardClient.Unique("secret"), "unregistered-" + PushboardClient.Unique("token"));
        await client.RegisterAsync(device, token);
        var (vouched, user) = (PushboardClient.Unique("secret"), PushboardClient.Unique("user"));
        await client.RegisterAsync(vouched, PushboardClient.Unique("token"), user);
        using var bare = fixture.CreateClient("deviceapi", fixture.AppApiKey);
        var issued = (await (await bare.PutAsJsonAsync($"/api/devices/{PushboardClient.Unique("secret")}", new { fcmToken = PushboardClient.Unique("token"), platform = "web" }))
            .Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["deviceSecret"].Text();
        Assert.NotEmpty(issued);
        using var admin = fixture.CreateAdminClient("deviceapi");
        var rotated = (await (await admin.PostAsync($"/api/devices/{device}/secret", null)).Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["deviceSecret"].Text();
        using var oldSecret = fixture.CreateAppClient("deviceapi");
        var refused = await (await oldSecret.PatchAsJsonAsync($"/api/devices/{device}/token", new { fcmToken = token })).Content.ReadAsStringAsync();
        var accepted = await client.SendAsync(new { target = new { deviceIds = new[] { device } }, data = new { a = "b" } });
        await client.WaitUntilFinishedAsync(accepted["id"].Text());
        using var wrongKey = fixture.CreateClient("deviceapi", fixture.AdminApiKey + "x");
        var problem = await (await wrongKey.GetAsync($"/api/devices/{device}")).Content.ReadAsStringAsync();
        var traces = await ExportedAsync("v1/traces", device, "messages:send");
        var exportedLogs = await ExportedAsync("v1/logs", token[^6..]);
        await watching.CancelAsync();
        var text = string.Join("\n", await Task.WhenAll(logs));

        Assert.Contains(token[^6..], text);
        var secrets = new[]
        {
            fixture.AdminApiKey, fixture.AppApiKey, token, "PRIVATE KEY", fixture.DeviceSecret, issued, rotated, fixture.IdentitySecret, fixture.Vouch(user),
        };
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, text);
            Assert.DoesNotContain(secret, problem);
            Assert.DoesNotContain(secret, refused);
            Assert.DoesNotContain(secret, traces);
            Assert.DoesNotContain(secret, exportedLogs);
        }
    }

    [Fact]
    public async Task A_caller_over_the_rate_limit_gets_429_with_retry_after_and_is_served_again_after_it()
    {
        // Callers without a valid key share 100 requests/s per address; a valid key has a bucket of its own.
        using var anonymous = fixture.CreateClient("deviceapi");
        using var admin = fixture.CreateAdminClient("deviceapi");
        var answers = await Task.WhenAll(Enumerable.Range(0, 1000).Select(async _ =>
        {
            using var response = await anonymous.GetAsync("/api/devices/rate-limited");
            return (response.StatusCode, response.Headers.RetryAfter?.Delta, response.Content.Headers.ContentType?.MediaType);
        }));
        using var keyed = await admin.GetAsync("/api/devices?limit=1");
        using var health = await anonymous.GetAsync("/health");

        var limited = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(limited);
        Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests }));
        Assert.All(limited, a => Assert.Equal("application/problem+json", a.MediaType));
        Assert.All(limited, a => Assert.InRange(a.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60)));
        Assert.Equal(HttpStatusCode.OK, keyed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        await Task.Delay(limited.Max(a => a.Delta!.Value));
        using var after = await anonymous.GetAsync("/api/devices/rate-limited");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task The_emulator_postgres_and_redis_listen_on_loopback_only()
    {
        var listening = await RunAsync("ss", "-ltnH");

        foreach (var port in new[] { fixture.PostgresPort, fixture.RedisPort, fixture.FcmEmulatorPort, fixture.FcmEmulatorHttp2Port })
        {
            var sockets = listening.Split('\n').Where(line => line.Contains($":{port} ")).ToList();
            Assert.NotEmpty(sockets);
            Assert.All(sockets, socket => Assert.Matches(@"\s(127\.0\.0\.1|\[::1\]|\[::ffff:127\.0\.0\.1\]):" + port + @"\s", socket));
        }
    }

    [Theory]
    [InlineData("DeviceApi", "admin-api-key")]
    [InlineData("NotificationApi", "admin-api-key")]
    [InlineData("Web", "admin-api-key")]
    public async Task In_production_a_service_refuses_to_start_without_its_keys(string service, string parameter)
    {
        var dll = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", service, "bin", "Debug", "net10.0", service + ".dll"));
        var startInfo = new ProcessStartInfo("dotnet", [dll, "--urls", "http://127.0.0.1:0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        startInfo.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        startInfo.Environment["ConnectionStrings__devicesdb"] = await fixture.ConnectionStringOf("devicesdb");
        startInfo.Environment["ConnectionStrings__notificationsdb"] = await fixture.ConnectionStringOf("notificationsdb");
        startInfo.Environment["ConnectionStrings__cache"] = await fixture.ConnectionStringOf("cache");
        startInfo.Environment["Fcm__ServiceAccountJson"] = "{}";
        using var process = Process.Start(startInfo)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains(parameter, await output + await error);
    }

    // Waits until the spans of the device's registration and of the FCM calls have been exported.
    // The services export in batches: waits until what the test looks for has arrived, then returns all of the signal.
    private async Task<string> ExportedAsync(string signal, params string[] expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var exported = fixture.Telemetry.Text(signal);
            if (expected.All(text => exported.Contains(text, StringComparison.Ordinal)))
            {
                return exported;
            }

            Assert.True(DateTime.UtcNow < deadline, $"The exported {signal} lack {string.Join(" or ", expected)} after 30 s.");
            await Task.Delay(250);
        }
    }

    // Resource logs are kept per running instance (e.g. "deviceapi-abc123"), not per model name. Every resource must have
    // one: a resource left out would have its logs go unread, and the test would pass over whatever they hold.
    private async Task<string[]> InstanceIdsAsync(string[] resources)
    {
        var ids = new Dictionary<string, string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await foreach (var update in fixture.App.ResourceNotifications.WatchAsync(timeout.Token))
            {
                if (resources.Contains(update.Resource.Name) && ids.TryAdd(update.Resource.Name, update.ResourceId) && ids.Count == resources.Length)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
        }

        Assert.True(ids.Count == resources.Length, $"no instance id for {string.Join(", ", resources.Except(ids.Keys))} within 10 s");
        return [.. ids.Values];
    }

    // Collects what the resources log from now on, until the token is cancelled.
    private Task<string>[] WatchLogs(string[] resources, CancellationToken cancellationToken)
    {
        var loggers = fixture.App.Services.GetRequiredService<ResourceLoggerService>();
        return [.. resources.Select(async resource =>
        {
            var text = new System.Text.StringBuilder();
            try
            {
                await foreach (var batch in loggers.WatchAsync(resource).WithCancellation(cancellationToken))
                {
                    foreach (var line in batch)
                    {
                        text.AppendLine(line.Content);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }

            return text.ToString();
        })];
    }

    private static async Task<string> RunAsync(string program, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output;
    }
}
