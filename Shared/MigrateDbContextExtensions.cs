using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Microsoft.Extensions.Hosting;

// Compiled into each service (linked source, as dotnet/eShop shares it): applies the committed EF Core migrations at start.
internal static class MigrateDbContextExtensions
{
    // Any constant shared by all instances of a service; advisory locks are scoped to the database.
    private const long MigrationLockKey = 0x50_75_73_68_62_6f_61_72;

    // Replicas starting together must not apply the same migration twice: EF's own migration lock let two replicas
    // both create a table (seen in the scale-out tests). A session-level advisory lock on an unpooled connection of
    // its own serializes them, and the server releases it when this process ends or dies.
    public static async Task MigrateDbContextAsync<TContext>(this IServiceProvider services, CancellationToken cancellationToken = default)
        where TContext : DbContext
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var lockConnectionString = new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString()) { Pooling = false, Multiplexing = false };
        await using var lockConnection = new NpgsqlConnection(lockConnectionString.ConnectionString);
        await lockConnection.OpenAsync(cancellationToken);
        await using (var acquire = new NpgsqlCommand("SELECT pg_advisory_lock($1)", lockConnection))
        {
            acquire.Parameters.Add(new NpgsqlParameter<long> { TypedValue = MigrationLockKey });
            await acquire.ExecuteNonQueryAsync(cancellationToken);
        }

        await db.Database.MigrateAsync(cancellationToken);
    }
}
