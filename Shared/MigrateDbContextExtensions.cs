using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Microsoft.Extensions.Hosting;

// Compiled into each service (linked source, as dotnet/eShop shares it): creates the service's database when it is
// missing and applies the committed EF Core migrations at start.
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
        await CreateDatabaseIfMissingAsync(db, cancellationToken);
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

    // A published Postgres container starts without the service databases: Aspire creates the databases of AddDatabase
    // only when it runs the app (microsoft/aspire#14695). Another replica may create it at the same moment; Postgres
    // then answers duplicate_database, or a unique violation on pg_database when both passed its name check together.
    private static async Task CreateDatabaseIfMissingAsync(DbContext db, CancellationToken cancellationToken)
    {
        var creator = db.GetService<IRelationalDatabaseCreator>();
        if (await creator.ExistsAsync(cancellationToken))
        {
            return;
        }

        try
        {
            await creator.CreateAsync(cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // The other replica created it: both go on to the migration lock.
        }
    }
}
