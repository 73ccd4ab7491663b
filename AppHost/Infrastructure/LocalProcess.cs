using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Pushboard.AppHost.Infrastructure;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class LocalProcess
{
    private const string ServiceUser = "postgres";

    public static bool IsRoot => OperatingSystem.IsLinux() && GetEffectiveUserId() == 0;

    // Postgres refuses to run as root. setpriv execs in place, so the stop signal the AppHost sends reaches postgres itself.
    public static (string Command, string[] Args) AsServiceUser(string program, string[] args) =>
        IsRoot
            ? ("setpriv", [$"--reuid={ServiceUser}", $"--regid={ServiceUser}", "--init-groups", program, .. args])
            : (program, args);

    public static async Task RunAsync(string program, IReadOnlyList<string> args, ILogger logger, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(program, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"could not start {program}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        foreach (var line in ((await output) + (await error)).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            logger.LogInformation("{Line}", line);
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} exited with code {process.ExitCode}");
        }
    }

    public static Task GiveToServiceUserAsync(string path, ILogger logger, CancellationToken cancellationToken) =>
        IsRoot ? RunAsync("chown", ["-R", $"{ServiceUser}:{ServiceUser}", path], logger, cancellationToken) : Task.CompletedTask;

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEffectiveUserId();
}

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class LocalFiles
{
    public static async Task WriteSecretFileAsync(string path, string content, CancellationToken cancellationToken)
    {
        await using (var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        await using (var writer = new StreamWriter(stream))
        {
            await writer.WriteAsync(content.AsMemory(), cancellationToken);
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
