using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;

namespace Pushboard.AppHost.Infrastructure;

// Local mode: Debian's postgres and redis-server run as executable resources, bound to loopback,
// with their data under a git-ignored folder that survives restarts.
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class LocalInfrastructure
{
    public static PushboardInfrastructure AddLocalInfrastructure(this IDistributedApplicationBuilder builder)
    {
        var settings = LocalInfrastructureSettings.From(builder);
        var postgresPassword = builder.AddParameter("postgres-password", () => settings.ReadOrCreateSecret("postgres-password"), secret: true);
        var redisPassword = builder.AddParameter("redis-password", () => settings.ReadOrCreateSecret("redis-password"), secret: true);

        var postgres = builder.AddLocalPostgres(settings, postgresPassword);
        var redis = builder.AddLocalRedis(settings, redisPassword);

        return new PushboardInfrastructure(
            new(builder.AddLocalDatabase("devicesdb", settings, postgres, postgresPassword), postgres),
            new(builder.AddLocalDatabase("notificationsdb", settings, postgres, postgresPassword), postgres),
            new(builder.AddConnectionString("cache", ReferenceExpression.Create(
                    $"127.0.0.1:{settings.RedisPort.ToString(System.Globalization.CultureInfo.InvariantCulture)},password={redisPassword},abortConnect=false"))
                .WithParentRelationship(redis), redis));
    }

    private static IResourceBuilder<ExecutableResource> AddLocalPostgres(
        this IDistributedApplicationBuilder builder, LocalInfrastructureSettings settings, IResourceBuilder<ParameterResource> password)
    {
        var postgresBinary = Path.Combine(settings.PostgresBin, "postgres");
        settings.RequireExecutable(postgresBinary, "PostgreSQL 15 server", "apt-get install -y postgresql-15, or set Infrastructure:PostgresBin");
        settings.RequireFreePort(settings.PostgresPort, "postgres");

        var dataDirectory = settings.DataPath("postgres");
        string[] serverArgs =
        [
            "-D", dataDirectory,
            "-p", settings.PostgresPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-c", "listen_addresses=127.0.0.1",
            "-c", "unix_socket_directories=",
            "-c", "max_connections=300",
            "-c", "shared_buffers=256MB",
        ];
        var (command, args) = LocalProcess.AsServiceUser(postgresBinary, serverArgs);

        var postgres = builder.AddExecutable("postgres", command, settings.DataRoot, args)
            .WithEndpoint(name: "tcp", scheme: "tcp", port: settings.PostgresPort, targetPort: settings.PostgresPort, isProxied: false)
            .WithHealthCheck("postgres-ready")
            .ExcludeFromManifest();

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(postgres.Resource, async (@event, cancellationToken) =>
        {
            var logger = @event.Services.GetRequiredService<ResourceLoggerService>().GetLogger(@event.Resource);
            var secret = await password.Resource.GetValueAsync(cancellationToken) ?? throw new InvalidOperationException("postgres-password has no value.");
            await LocalPostgresCluster.InitializeOnceAsync(settings.PostgresBin, dataDirectory, secret, logger, cancellationToken);
        });

        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            "postgres-ready",
            services => new LocalPostgresHealthCheck(
                settings.PostgresPort,
                () => password.Resource.GetValueAsync(default).AsTask(),
                ["devicesdb", "notificationsdb"]),
            failureStatus: null,
            tags: null));

        return postgres;
    }

    private static IResourceBuilder<IResourceWithConnectionString> AddLocalDatabase(
        this IDistributedApplicationBuilder builder, string name, LocalInfrastructureSettings settings,
        IResourceBuilder<ExecutableResource> postgres, IResourceBuilder<ParameterResource> password) =>
        builder.AddConnectionString(name, ReferenceExpression.Create(
                $"Host=127.0.0.1;Port={settings.PostgresPort.ToString(System.Globalization.CultureInfo.InvariantCulture)};Username=postgres;Password={password};Database={name}"))
            .WithParentRelationship(postgres);

    private static IResourceBuilder<ExecutableResource> AddLocalRedis(
        this IDistributedApplicationBuilder builder, LocalInfrastructureSettings settings, IResourceBuilder<ParameterResource> password)
    {
        var redisServer = settings.RequireExecutableOnPath("redis-server", "Redis server", "apt-get install -y redis-server");
        settings.RequireFreePort(settings.RedisPort, "redis");

        var dataDirectory = settings.DataPath("redis");
        var configFile = Path.Combine(settings.DataRoot, "redis.conf");

        var redis = builder.AddExecutable("redis", redisServer, settings.DataRoot, configFile)
            .WithEndpoint(name: "tcp", scheme: "tcp", port: settings.RedisPort, targetPort: settings.RedisPort, isProxied: false)
            .WithHealthCheck("redis-ready")
            .ExcludeFromManifest();

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(redis.Resource, async (_, cancellationToken) =>
        {
            var secret = await password.Resource.GetValueAsync(cancellationToken) ?? throw new InvalidOperationException("redis-password has no value.");
            Directory.CreateDirectory(dataDirectory);
            // AOF with fsync every second: the queue survives a restart of redis-server.
            await LocalFiles.WriteSecretFileAsync(configFile, $"""
                port {settings.RedisPort}
                bind 127.0.0.1
                protected-mode yes
                dir {dataDirectory}
                appendonly yes
                appendfsync everysec
                save ""
                requirepass {secret}
                """, cancellationToken);
        });

        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            "redis-ready",
            services => new LocalRedisHealthCheck(settings.RedisPort, () => password.Resource.GetValueAsync(default).AsTask()),
            failureStatus: null,
            tags: null));

        return redis;
    }
}

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class LocalInfrastructureSettings
{
    private LocalInfrastructureSettings(IDistributedApplicationBuilder builder, string dataRoot, string postgresBin, int postgresPort, int redisPort)
    {
        Builder = builder;
        DataRoot = dataRoot;
        PostgresBin = postgresBin;
        PostgresPort = postgresPort;
        RedisPort = redisPort;
    }

    public string DataRoot { get; }
    public string PostgresBin { get; }
    public int PostgresPort { get; }
    public int RedisPort { get; }
    private IDistributedApplicationBuilder Builder { get; }

    public static LocalInfrastructureSettings From(IDistributedApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var dataRoot = Path.GetFullPath(configuration["Infrastructure:DataPath"]
            ?? Path.Combine(builder.AppHostDirectory, "..", ".data"));
        Directory.CreateDirectory(dataRoot);
        return new LocalInfrastructureSettings(
            builder,
            dataRoot,
            configuration["Infrastructure:PostgresBin"] ?? "/usr/lib/postgresql/15/bin",
            configuration.GetValue("Infrastructure:PostgresPort", 5433),
            configuration.GetValue("Infrastructure:RedisPort", 6380));
    }

    public string DataPath(string name) => Path.Combine(DataRoot, name);

    public string ReadOrCreateSecret(string name)
    {
        var path = Path.Combine(DataRoot, name);
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        var secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        LocalFiles.WriteSecretFileAsync(path, secret, CancellationToken.None).GetAwaiter().GetResult();
        return secret;
    }

    public void RequireExecutable(string path, string what, string fix)
    {
        if (!File.Exists(path))
        {
            throw new AppHostConfigurationException($"local mode needs the {what} at {path}, which is missing: {fix} (or set Infrastructure:Mode=containers|existing).");
        }
    }

    public string RequireExecutableOnPath(string name, string what, string fix)
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
        return found ?? throw new AppHostConfigurationException(
            $"local mode needs the {what} ({name}), which is not on PATH: {fix} (or set Infrastructure:Mode=containers|existing).");
    }

    public void RequireFreePort(int port, string resource) => PortCheck.RequireFreeWhenRunning(Builder, port, resource);
}

internal static class PortCheck
{
    public static void RequireFreeWhenRunning(IDistributedApplicationBuilder builder, int port, string resource)
    {
        if (builder.ExecutionContext.IsRunMode)
        {
            RequireFree(port, resource);
        }
    }

    public static void RequireFree(int port, string resource)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
        }
        catch (SocketException)
        {
            throw new AppHostConfigurationException(
                $"port {port} for {resource} is already in use on 127.0.0.1: stop the process that holds it (ss -ltnp 'sport = :{port}') or pick another port in configuration.");
        }
    }
}
