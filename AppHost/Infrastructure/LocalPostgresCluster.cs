namespace Pushboard.AppHost.Infrastructure;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class LocalPostgresCluster
{
    // initdb runs once, on the first start; later runs reuse the data folder.
    public static async Task InitializeOnceAsync(string postgresBin, string dataDirectory, string password, ILogger logger, CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            return;
        }

        logger.LogInformation("Creating a new PostgreSQL cluster in {DataDirectory}", dataDirectory);
        Directory.CreateDirectory(dataDirectory);
        File.SetUnixFileMode(dataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var passwordFile = Path.Combine(dataDirectory, "..", "postgres-initdb-password");
        await LocalFiles.WriteSecretFileAsync(passwordFile, password, cancellationToken);
        try
        {
            await LocalProcess.GiveToServiceUserAsync(dataDirectory, logger, cancellationToken);
            await LocalProcess.GiveToServiceUserAsync(passwordFile, logger, cancellationToken);
            var (command, args) = LocalProcess.AsServiceUser(Path.Combine(postgresBin, "initdb"),
            [
                "-D", dataDirectory,
                "-U", "postgres",
                "--pwfile", passwordFile,
                "--auth", "scram-sha-256",
                "--encoding", "UTF8",
                "--no-locale",
            ]);
            await LocalProcess.RunAsync(command, args, logger, cancellationToken);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }
}
