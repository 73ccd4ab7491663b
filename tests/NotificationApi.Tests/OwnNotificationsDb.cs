using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Pushboard.NotificationApi.Infrastructure;
using Pushboard.NotificationApi.Model;
using Pushboard.NotificationApi.Sending;
using Pushboard.Tests;
using StackExchange.Redis;

namespace Pushboard.NotificationApi.Tests;

// A notifications database of the test's own on the AppHost's Postgres, migrated like notificationsdb and dropped on
// dispose: a job run in process there (the scheduler) takes no other test's rows, and no replica of the AppHost sees
// the test's.
internal sealed class OwnNotificationsDb(PushboardAppFixture fixture, string connectionString) : IAsyncDisposable
{
    public string ConnectionString { get; } = connectionString;

    public static async Task<OwnNotificationsDb> CreateAsync(PushboardAppFixture fixture)
    {
        var name = $"notifications_{Guid.NewGuid():N}";
        await ExecuteAsync(fixture, $"CREATE DATABASE \"{name}\"");
        var own = new OwnNotificationsDb(fixture, new NpgsqlConnectionStringBuilder(await fixture.ConnectionStringOf("notificationsdb")) { Database = name }.ConnectionString);
        try
        {
            await using var db = own.Open();
            await db.Database.MigrateAsync();
            return own;
        }
        catch
        {
            await own.DisposeAsync();
            throw;
        }
    }

    // A localTime notification whose resolution wrote one delivery at moment and finished: it stays scheduled until a
    // scheduler queues the moment.
    public async Task<Guid> StoreResolvedMomentAsync(string deviceId, string token, DateTime moment)
    {
        var id = Guid.CreateVersion7();
        await using var db = Open();
        db.Notifications.Add(new Notification
        {
            Id = id, Status = NotificationStatus.Scheduled, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
            LocalTime = moment.ToString("HH:mm", CultureInfo.InvariantCulture), TargetJson = $$"""{"deviceIds": ["{{deviceId}}"]}""",
            MessageJson = """{"data": {"kind": "moment"}}""",
        });
        await db.SaveChangesAsync();
        var store = new DeliveryStore(db, TimeProvider.System);
        await store.AddAsync(id, [new NewDelivery(deviceId, null, token, DeliveryStatus.Pending, null, moment)],
            new ResolutionPages(writtenBefore: false), CancellationToken.None);
        await store.FinishResolvingAsync(id, "unused", CancellationToken.None);
        return id;
    }

    public NotificationsDbContext Open() => NotificationsDb.On(ConnectionString);

    // What a job run in process needs (NotificationScheduler, StalledNotificationSweeper), on this database and on a
    // Redis database of its own that no worker reads, or on the Redis given.
    public async Task<ServiceProvider> JobServicesAsync(TimeProvider clock, string? cache = null)
    {
        var redis = await ConnectionMultiplexer.ConnectAsync(cache ?? await fixture.ConnectionStringOf("cache") + ",defaultDatabase=1");
        var services = new ServiceCollection()
            .AddLogging()
            .AddMetrics()
            .AddSingleton(clock)
            .AddSingleton<IConnectionMultiplexer>(_ => redis)
            .AddSingleton<WorkQueue>()
            .AddSingleton<SendingMetrics>()
            .AddDbContext<NotificationsDbContext>(options => options.UseNpgsql(ConnectionString))
            .AddScoped<ScheduledWorkStore>()
            .AddScoped<DeliveryStore>();
        services.AddOptions<SendingOptions>();
        return services.BuildServiceProvider();
    }

    public async ValueTask DisposeAsync() =>
        await ExecuteAsync(fixture, $"DROP DATABASE \"{new NpgsqlConnectionStringBuilder(ConnectionString).Database}\" WITH (FORCE)");

    private static async Task ExecuteAsync(PushboardAppFixture fixture, string sql)
    {
        await using var connection = await fixture.OpenDatabaseAsync("notificationsdb");
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
